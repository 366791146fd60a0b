// The classifications (value tier, lifecycle, ...) with the measures an editor offers,
// cached for the session: class tags, the list's class filter and the admin page read here.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { Classification, Measure } from '@/api/types'

export const useClassifications = defineStore('classifications', () => {
  const list = ref<Classification[]>([])
  const measures = ref<Measure[]>([])
  const operators = ref<string[]>([])
  const eventKinds = ref<string[]>([])
  let pending: Promise<void> | null = null
  let loaded = false

  const active = computed(() => list.value.filter((c) => c.active))
  const byCode = computed(() => new Map(list.value.map((c) => [c.code, c])))

  async function fetchAll(): Promise<void> {
    const body = await call(api.GET('/api/v1/customer-classifications'))
    list.value = body.items
    measures.value = body.measures
    operators.value = body.operators
    eventKinds.value = body.event_kinds
    loaded = true
  }

  function load(force = false): Promise<void> {
    if (loaded && !force) return Promise.resolve()
    if (!pending) pending = fetchAll().finally(() => (pending = null))
    return pending
  }

  function put(c: Classification): void {
    const i = list.value.findIndex((x) => x.code === c.code)
    if (i >= 0) list.value.splice(i, 1, c)
    else list.value.push(c)
  }

  return { list, measures, operators, eventKinds, active, byCode, load, put }
})
