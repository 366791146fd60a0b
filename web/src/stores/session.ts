// Who is signed in: the /me answer (user, unit, permissions, CSRF token).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import { ApiError } from '@/api/problem'
import type { Me } from '@/api/types'

export const useSession = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const loaded = ref(false)

  const user = computed(() => me.value?.user ?? null)
  const unit = computed(() => me.value?.unit ?? null)
  const permissions = computed(() => me.value?.permissions ?? [])
  const csrfToken = computed(() => me.value?.csrf_token ?? '')

  function has(perm: string): boolean {
    return permissions.value.includes(perm as never)
  }

  // Restores the session at start-up; a 401 just means nobody is signed in.
  async function load(): Promise<void> {
    try {
      me.value = await call(api.GET('/api/v1/me'))
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e
      me.value = null
    } finally {
      loaded.value = true
    }
  }

  async function signIn(username: string, password: string): Promise<Me> {
    const answer = await call(api.POST('/api/v1/session', { body: { username, password } }))
    me.value = answer
    loaded.value = true
    return answer
  }

  async function signOut(): Promise<void> {
    try {
      await call(api.DELETE('/api/v1/session'))
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e
    } finally {
      me.value = null
    }
  }

  function clear(): void {
    me.value = null
  }

  return { me, loaded, user, unit, permissions, csrfToken, has, load, signIn, signOut, clear }
})
