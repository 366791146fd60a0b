// A customer's history as a timeline: the look of each kind of event, and pages merged
// into one list ordered by when things happened (the API pages by when they were
// recorded, so a later page may hold an earlier-recorded but later-happened event).
import type { CustomerEvent, CustomerEventKind } from '@/api/types'

// name of an @element-plus/icons-vue icon, and an Element Plus timeline colour
export const EVENT_LOOK: Record<CustomerEventKind, { icon: string; type: 'primary' | 'success' | 'warning' | 'danger' | 'info' }> = {
  purchase: { icon: 'ShoppingCart', type: 'success' },
  delivery: { icon: 'Van', type: 'success' },
  repair: { icon: 'Tools', type: 'warning' },
  service: { icon: 'SetUp', type: 'warning' },
  visit: { icon: 'Shop', type: 'primary' },
  visit_without_purchase: { icon: 'View', type: 'danger' },
  order: { icon: 'Tickets', type: 'primary' },
  call: { icon: 'Phone', type: 'info' },
  contact: { icon: 'ChatDotRound', type: 'info' },
  other: { icon: 'MoreFilled', type: 'info' },
}

export function mergeEvents(have: readonly CustomerEvent[], page: readonly CustomerEvent[]): CustomerEvent[] {
  const byId = new Map<number, CustomerEvent>()
  for (const e of [...have, ...page]) byId.set(e.id, e)
  return [...byId.values()].sort((a, b) => b.occurred_at - a.occurred_at || b.id - a.id)
}

// Free attributes of an event as label/value pairs, in a stable order; nested values as JSON.
export function eventAttrs(attrs: Record<string, unknown> | null | undefined): { key: string; value: string }[] {
  return Object.entries(attrs ?? {})
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([key, v]) => ({ key, value: typeof v === 'object' ? JSON.stringify(v) : String(v) }))
}
