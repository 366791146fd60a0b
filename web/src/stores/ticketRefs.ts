// Reference data of the ticket pages: categories (per kind, including retired ones so old
// tickets still show their names) and root causes. Loaded on demand, cached per session;
// the admin pages refresh them.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, call } from '@/api/client'
import type { TicketCategory, TicketKind, TicketRootCause } from '@/api/types'

export const useTicketRefs = defineStore('ticketRefs', () => {
  const categories = ref<Partial<Record<TicketKind, TicketCategory[]>>>({})
  const causes = ref<TicketRootCause[]>([])
  const causesLoaded = ref(false)
  const pending = new Map<string, Promise<unknown>>()

  function once<T>(key: string, run: () => Promise<T>): Promise<T> {
    const p = pending.get(key) as Promise<T> | undefined
    if (p) return p
    const q = run().finally(() => pending.delete(key))
    pending.set(key, q)
    return q
  }

  async function loadCategories(kind: TicketKind, force = false): Promise<TicketCategory[]> {
    if (categories.value[kind] && !force) return categories.value[kind]!
    return once(`cat:${kind}`, async () => {
      const answer = await call(api.GET('/api/v1/ticket-categories', { params: { query: { kind } } }))
      categories.value = { ...categories.value, [kind]: answer.items }
      return answer.items
    })
  }

  async function loadCauses(force = false): Promise<TicketRootCause[]> {
    if (causesLoaded.value && !force) return causes.value
    return once('causes', async () => {
      const answer = await call(api.GET('/api/v1/ticket-root-causes'))
      causes.value = answer.items
      causesLoaded.value = true
      return answer.items
    })
  }

  function reset(): void {
    categories.value = {}
    causes.value = []
    causesLoaded.value = false
  }

  return { categories, causes, causesLoaded, loadCategories, loadCauses, reset }
})
