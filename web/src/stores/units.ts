// The org units in the caller's scope, loaded page by page and cached for the session:
// the tree, unit pickers and unit names in tables all read from here.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { Unit } from '@/api/types'
import { buildUnitTree } from '@/lib/tree'

export const useUnits = defineStore('units', () => {
  const list = ref<Unit[]>([])
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  const byId = computed(() => new Map(list.value.map((u) => [u.id, u])))
  const tree = computed(() => buildUnitTree(list.value))
  const activeTree = computed(() => buildUnitTree(list.value, { disable: (u) => !u.active }))

  async function fetchAll(): Promise<void> {
    const all: Unit[] = []
    let after: string | undefined
    for (;;) {
      const page = await call(api.GET('/api/v1/org/units', { params: { query: { limit: 200, after } } }))
      all.push(...page.items)
      if (!page.next) break
      after = page.next
    }
    list.value = all
    loaded.value = true
  }

  function load(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve()
    if (!pending) pending = fetchAll().finally(() => (pending = null))
    return pending
  }

  function put(u: Unit): void {
    const i = list.value.findIndex((x) => x.id === u.id)
    if (i >= 0) list.value.splice(i, 1, u)
    else list.value.push(u)
  }

  function reset(): void {
    list.value = []
    loaded.value = false
  }

  return { list, loaded, byId, tree, activeTree, load, put, reset }
})
