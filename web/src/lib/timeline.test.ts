import { describe, expect, it } from 'vitest'
import type { CustomerEvent } from '@/api/types'
import { EVENT_KINDS } from '@/api/types'
import { EVENT_LOOK, eventAttrs, mergeEvents } from './timeline'

const ev = (id: number, occurred_at: number): CustomerEvent => ({ id, customer_id: 1, kind: 'call', occurred_at, unit_id: 1, staff_id: null, amount_fen: 0, asset_id: null, attrs: {}, external_id: null })

describe('timeline', () => {
  it('orders by when things happened, newest first, pages merged without repeats', () => {
    const first = [ev(9, 100), ev(8, 300)]
    const older = [ev(7, 200), ev(8, 300)]
    expect(mergeEvents(first, older).map((e) => e.id)).toEqual([8, 7, 9])
    expect(mergeEvents([], [ev(1, 5), ev(2, 5)]).map((e) => e.id)).toEqual([2, 1])
  })

  it('every kind of event has a look', () => {
    for (const k of EVENT_KINDS) expect(EVENT_LOOK[k].icon).toBeTruthy()
  })

  it('free attributes as pairs', () => {
    expect(eventAttrs({ work: '常规保养', empty: '', n: 3, nested: { a: 1 } })).toEqual([
      { key: 'work', value: '常规保养' },
      { key: 'n', value: '3' },
      { key: 'nested', value: '{"a":1}' },
    ])
    expect(eventAttrs(null)).toEqual([])
  })
})
