import { describe, expect, it } from 'vitest'
import { filterSanctions, ledgerFiltersFromQuery, ledgerKey, queryOfLedgerFilters, signedMoney, summarizeSanctions } from './sanctions'
import type { TicketSanction } from '@/api/types'

let seq = 0
function s(over: Partial<TicketSanction>): TicketSanction {
  seq += 1
  return {
    id: seq,
    ticket_id: 100,
    ticket_number: 'TS-2026-000100',
    kind: 'penalty',
    user_id: 11,
    user_name: '张三',
    unit_id: 3,
    unit_name: '上海售后服务部',
    amount_fen: 0,
    reason: '测试',
    month: '2026-11',
    state: 'approved',
    proposed_by: 2,
    decided_by: null,
    created_at: Date.UTC(2026, 10, 1) + seq * 60_000,
    decided_at: null,
    ...over,
  }
}

// One month: 张三 (two approved penalties, one reward, one pending penalty, one refused
// reward from before he moved to 售后服务部), 李四 (a reward, a pending reward), 王五 (only a
// refused penalty), and 上海售后服务部 as a unit (one approved penalty, one refused).
const ZHANG_OLD = s({ kind: 'reward', amount_fen: 1000, state: 'refused', unit_id: 2, unit_name: '上海分部' })
const MONTH: TicketSanction[] = [
  ZHANG_OLD,
  s({ amount_fen: 10000 }),
  s({ amount_fen: 5050 }),
  s({ kind: 'reward', amount_fen: 20000 }),
  s({ amount_fen: 3000, state: 'proposed' }),
  s({ kind: 'reward', user_id: 12, user_name: '李四', unit_id: 4, unit_name: '上海销售部', amount_fen: 8800 }),
  s({ kind: 'reward', user_id: 12, user_name: '李四', unit_id: 4, unit_name: '上海销售部', amount_fen: 1200, state: 'proposed' }),
  s({ user_id: 13, user_name: '王五', unit_id: 4, unit_name: '上海销售部', amount_fen: 7000, state: 'refused' }),
  s({ user_id: null, user_name: '', amount_fen: 50000 }),
  s({ user_id: null, user_name: '', amount_fen: 20000, state: 'refused' }),
].reverse() // as the server sends them: newest first

describe('奖惩台账: sums per person per month', () => {
  const { rows, total } = summarizeSanctions(MONTH)
  const row = (key: string) => rows.find((r) => r.key === key)!

  it('one row per person, then the units, people in Chinese (pinyin) order', () => {
    expect(rows.map((r) => r.name)).toEqual(['李四', '王五', '张三', '上海售后服务部'])
    expect(rows.map((r) => r.key)).toEqual(['user:12', 'user:13', 'user:11', 'unit:3'])
    expect(rows.map((r) => r.isUnit)).toEqual([false, false, false, true])
  })

  it('counts approved penalties and rewards, with the net; proposed ones apart; refused ones not at all', () => {
    const zhang = row('user:11')
    expect(zhang.penalties).toEqual({ count: 2, fen: 15050 })
    expect(zhang.rewards).toEqual({ count: 1, fen: 20000 }) // the refused ¥10.00 reward is not counted
    expect(zhang.netFen).toBe(4950)
    expect(zhang.pendingPenalties).toEqual({ count: 1, fen: 3000 })
    expect(zhang.pendingRewards).toEqual({ count: 0, fen: 0 })
    const li = row('user:12')
    expect(li.penalties).toEqual({ count: 0, fen: 0 })
    expect(li.rewards).toEqual({ count: 1, fen: 8800 })
    expect(li.netFen).toBe(8800)
    expect(li.pendingRewards).toEqual({ count: 1, fen: 1200 })
  })

  it('a person with only refused ones stays on the ledger, with zeros', () => {
    const wang = row('user:13')
    expect([wang.penalties, wang.rewards, wang.pendingPenalties, wang.pendingRewards]).toEqual([
      { count: 0, fen: 0 },
      { count: 0, fen: 0 },
      { count: 0, fen: 0 },
      { count: 0, fen: 0 },
    ])
    expect(wang.netFen).toBe(0)
  })

  it('a unit’s own sanction (no person) is the unit’s row, under the unit’s name', () => {
    const unit = row('unit:3')
    expect(unit.userId).toBeNull()
    expect(unit.unitId).toBe(3)
    expect(unit.name).toBe('上海售后服务部')
    expect(unit.unitName).toBe('上海售后服务部')
    expect(unit.penalties).toEqual({ count: 1, fen: 50000 }) // the refused ¥200.00 is not counted
    expect(unit.netFen).toBe(-50000)
    // ... and not mixed with the people of that unit
    expect(row('user:11').penalties.fen).toBe(15050)
  })

  it('a person’s unit is the one of their latest sanction of the month', () => {
    expect(row('user:11').unitName).toBe('上海售后服务部')
    expect(row('user:11').unitId).toBe(3)
    const oldOnly = summarizeSanctions([ZHANG_OLD]).rows[0]
    expect(oldOnly.unitName).toBe('上海分部')
  })

  it('the total row adds up every row, exactly, in fen', () => {
    expect(total.key).toBe('total')
    expect(total.penalties).toEqual({ count: 3, fen: 65050 })
    expect(total.rewards).toEqual({ count: 2, fen: 28800 })
    expect(total.netFen).toBe(28800 - 65050)
    expect(total.pendingPenalties).toEqual({ count: 1, fen: 3000 })
    expect(total.pendingRewards).toEqual({ count: 1, fen: 1200 })
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0)
    expect(sum((r) => r.penalties.fen)).toBe(total.penalties.fen)
    expect(sum((r) => r.rewards.count)).toBe(total.rewards.count)
    expect(sum((r) => r.netFen)).toBe(total.netFen)
  })

  it('no float drift: many small amounts add up exactly', () => {
    const many = Array.from({ length: 1000 }, () => s({ kind: 'reward', amount_fen: 10 })) // ¥0.10 each
    const r = summarizeSanctions(many)
    expect(r.total.rewards).toEqual({ count: 1000, fen: 10000 })
    expect(signedMoney(r.total.netFen)).toBe('+¥100.00')
  })

  it('names the server left empty fall back to the id', () => {
    const r = summarizeSanctions([s({ user_id: 14, user_name: '', unit_name: '' }), s({ user_id: null, unit_id: 9, unit_name: '' })])
    expect(r.rows.map((x) => [x.name, x.unitName])).toEqual([
      ['#14', '#3'],
      ['#9', '#9'],
    ])
  })

  it('an empty month: no rows, a zero total', () => {
    const r = summarizeSanctions([])
    expect(r.rows).toEqual([])
    expect(r.total.netFen).toBe(0)
    expect(r.total.penalties).toEqual({ count: 0, fen: 0 })
  })
})

describe('奖惩台账: the detail list and its filters', () => {
  it('filters by kind, state and person (or unit)', () => {
    expect(filterSanctions(MONTH, { kind: '', state: '', who: '' })).toHaveLength(MONTH.length)
    expect(filterSanctions(MONTH, { kind: 'reward', state: '', who: '' }).map((x) => x.amount_fen)).toEqual([1200, 8800, 20000, 1000])
    expect(filterSanctions(MONTH, { kind: '', state: 'proposed', who: '' }).map((x) => x.amount_fen)).toEqual([1200, 3000])
    expect(filterSanctions(MONTH, { kind: 'penalty', state: 'approved', who: 'user:11' }).map((x) => x.amount_fen)).toEqual([5050, 10000])
    expect(filterSanctions(MONTH, { kind: '', state: '', who: 'unit:3' }).map((x) => x.amount_fen)).toEqual([20000, 50000])
    expect(ledgerKey({ user_id: null, unit_id: 3 })).toBe('unit:3')
    expect(ledgerKey({ user_id: 11, unit_id: 3 })).toBe('user:11')
  })

  it('keeps the filters in the address, leaving out the defaults', () => {
    const f = ledgerFiltersFromQuery({ month: '2026-10', kind: 'penalty', state: 'proposed', who: 'user:11' }, '2026-11')
    expect(f).toEqual({ month: '2026-10', kind: 'penalty', state: 'proposed', who: 'user:11' })
    expect(queryOfLedgerFilters(f, '2026-11')).toEqual({ month: '2026-10', kind: 'penalty', state: 'proposed', who: 'user:11' })
    expect(queryOfLedgerFilters({ month: '2026-11', kind: '', state: '', who: '' }, '2026-11')).toEqual({})
    // junk in the address falls back to the defaults
    expect(ledgerFiltersFromQuery({ month: '2026-13', kind: 'fine', state: ['approved'], who: 'me' }, '2026-11')).toEqual({ month: '2026-11', kind: '', state: 'approved', who: '' })
    expect(ledgerFiltersFromQuery({}, '2026-11')).toEqual({ month: '2026-11', kind: '', state: '', who: '' })
  })

  it('shows a net amount with its sign', () => {
    expect(signedMoney(4950)).toBe('+¥49.50')
    expect(signedMoney(-36250)).toBe('-¥362.50')
    expect(signedMoney(0)).toBe('¥0.00')
  })
})
