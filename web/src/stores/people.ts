// Names of the users in the caller's scope, for owners ("负责人") of customers: loaded once
// per session for callers who may read users (org.user.read). Callers who may not (agents,
// inspectors, viewers) know only themselves; others show as "#id".
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { User } from '@/api/types'
import { useSession } from './session'

const MAX_PAGES = 10 // 2,000 users: enough for a picker; beyond that the list is cut

export const usePeople = defineStore('people', () => {
  const session = useSession()
  const list = ref<User[]>([])
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  const canList = computed(() => session.has('org.user.read'))
  const byId = computed(() => {
    const m = new Map(list.value.map((u) => [u.id, u]))
    const me = session.user
    if (me && !m.has(me.id)) m.set(me.id, me)
    return m
  })
  // Who may own a customer: active users (the signed-in user first).
  const owners = computed(() => {
    const me = session.user
    const others = list.value.filter((u) => u.active && u.id !== me?.id).sort((a, b) => a.display_name.localeCompare(b.display_name, 'zh-CN'))
    return me ? [me, ...others] : others
  })

  async function fetchAll(): Promise<void> {
    const all: User[] = []
    let after: string | undefined
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await call(api.GET('/api/v1/users', { params: { query: { limit: 200, after } } }))
      all.push(...page.items)
      if (!page.next) break
      after = page.next
    }
    list.value = all
    loaded.value = true
  }

  function load(): Promise<void> {
    if (loaded.value || !canList.value) return Promise.resolve()
    if (!pending) pending = fetchAll().finally(() => (pending = null))
    return pending
  }

  function reset(): void {
    list.value = []
    loaded.value = false
  }

  return { list, loaded, canList, byId, owners, load, reset }
})
