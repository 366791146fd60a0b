// The asset types (vehicle, property unit, …) with their fields: every asset form and
// asset card is built from them. Loaded once per session; the admin page refreshes them.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { AssetType } from '@/api/types'

export const useAssetTypes = defineStore('assetTypes', () => {
  const list = ref<AssetType[]>([])
  const loaded = ref(false)
  let pending: Promise<void> | null = null

  const byCode = computed(() => new Map(list.value.map((t) => [t.code, t])))
  const active = computed(() => list.value.filter((t) => t.active))

  async function fetchAll(): Promise<void> {
    const answer = await call(api.GET('/api/v1/asset-types'))
    list.value = answer.items
    loaded.value = true
  }

  function load(force = false): Promise<void> {
    if (loaded.value && !force) return Promise.resolve()
    if (!pending) pending = fetchAll().finally(() => (pending = null))
    return pending
  }

  function put(t: AssetType): void {
    const i = list.value.findIndex((x) => x.code === t.code)
    if (i >= 0) list.value.splice(i, 1, t)
    else list.value.push(t)
  }

  function reset(): void {
    list.value = []
    loaded.value = false
  }

  return { list, loaded, byCode, active, load, put, reset }
})
