// 奖惩台账: the penalties (负激励) and rewards (正激励) of one month, summed per person — or
// per unit, for a sanction given to a unit as a whole (user_id null). Only the ones a
// manager approved count; proposed ones are shown apart as pending; refused ones count
// nowhere. Amounts are integer fen, so every sum is exact.
import type { TicketSanction } from '@/api/types'
import { formatMoney } from './money'
import { isMonth } from './datetime'

export type SanctionKind = NonNullable<TicketSanction['kind']>
export type SanctionState = NonNullable<TicketSanction['state']>
export const SANCTION_KINDS: readonly SanctionKind[] = ['penalty', 'reward']
export const SANCTION_STATES: readonly SanctionState[] = ['proposed', 'approved', 'refused']

export interface Tally {
  count: number
  fen: number
}

export interface LedgerRow {
  key: string // 'user:<id>' for a person, 'unit:<id>' for a unit's own sanctions, 'total'
  userId: number | null
  unitId: number | null
  name: string // the person's name, or the unit's for a unit's own sanctions
  unitName: string // the unit of the person's latest sanction of the month
  isUnit: boolean
  penalties: Tally // approved
  rewards: Tally // approved
  netFen: number // approved rewards − approved penalties
  pendingPenalties: Tally // proposed
  pendingRewards: Tally // proposed
}

export interface Ledger {
  rows: LedgerRow[]
  total: LedgerRow
}

// Whom a sanction is about: the person, or the unit when it names nobody.
export function ledgerKey(x: Pick<TicketSanction, 'user_id' | 'unit_id'>): string {
  return x.user_id != null ? `user:${x.user_id}` : `unit:${x.unit_id ?? 0}`
}

const tally = (): Tally => ({ count: 0, fen: 0 })
const add = (t: Tally, fen: number) => {
  t.count += 1
  t.fen += fen
}

function emptyRow(key: string, x: TicketSanction | null): LedgerRow {
  const isUnit = !!x && x.user_id == null
  return {
    key,
    userId: x?.user_id ?? null,
    unitId: x?.unit_id ?? null,
    name: !x ? '' : isUnit ? x.unit_name || `#${x.unit_id}` : x.user_name || `#${x.user_id}`,
    unitName: x?.unit_name || (x?.unit_id != null ? `#${x.unit_id}` : ''),
    isUnit,
    penalties: tally(),
    rewards: tally(),
    netFen: 0,
    pendingPenalties: tally(),
    pendingRewards: tally(),
  }
}

function count(row: LedgerRow, x: TicketSanction): void {
  const fen = Number.isFinite(x.amount_fen) ? Math.trunc(x.amount_fen!) : 0
  const penalty = x.kind === 'penalty'
  if (x.state === 'approved') add(penalty ? row.penalties : row.rewards, fen)
  else if (x.state === 'proposed') add(penalty ? row.pendingPenalties : row.pendingRewards, fen)
  row.netFen = row.rewards.fen - row.penalties.fen
}

const newer = (a: TicketSanction, b: TicketSanction) => (a.created_at ?? 0) - (b.created_at ?? 0) || (a.id ?? 0) - (b.id ?? 0)

// One row per person (then per unit), by name in Chinese order; and the total row.
// A row whose sanctions were all refused stays, with zeros: it was on the month's ledger.
export function summarizeSanctions(list: readonly TicketSanction[], locale = 'zh-CN'): Ledger {
  const rows = new Map<string, { row: LedgerRow; latest: TicketSanction }>()
  const total = emptyRow('total', null)
  for (const x of list) {
    const key = ledgerKey(x)
    let hit = rows.get(key)
    if (!hit) {
      hit = { row: emptyRow(key, x), latest: x }
      rows.set(key, hit)
    } else if (newer(x, hit.latest) > 0) {
      // Names and unit as of the latest sanction (a person may have moved during the month).
      const fresh = emptyRow(key, x)
      hit.row.name = fresh.name
      hit.row.unitName = fresh.unitName
      hit.row.unitId = fresh.unitId
      hit.latest = x
    }
    count(hit.row, x)
    count(total, x)
  }
  const order = new Intl.Collator(locale)
  const out = [...rows.values()]
    .map((r) => r.row)
    .sort((a, b) => Number(a.isUnit) - Number(b.isUnit) || order.compare(a.name, b.name) || a.key.localeCompare(b.key))
  return { rows: out, total }
}

// ---- the detail list's filters, kept in the address (?month=2026-11&kind=…&state=…&who=user:12)
export interface LedgerFilters {
  month: string // YYYY-MM
  kind: SanctionKind | ''
  state: SanctionState | ''
  who: string // a ledgerKey, '' for everybody
}

const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '')

export function ledgerFiltersFromQuery(q: Record<string, unknown>, thisMonth: string): LedgerFilters {
  const month = one(q.month)
  const kind = one(q.kind)
  const state = one(q.state)
  const who = one(q.who)
  return {
    month: isMonth(month) ? month : thisMonth,
    kind: (SANCTION_KINDS as readonly string[]).includes(kind) ? (kind as SanctionKind) : '',
    state: (SANCTION_STATES as readonly string[]).includes(state) ? (state as SanctionState) : '',
    who: /^(user|unit):\d+$/.test(who) ? who : '',
  }
}

// The address of the filters: nothing for the defaults (this month, everything).
export function queryOfLedgerFilters(f: LedgerFilters, thisMonth: string): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.month !== thisMonth) q.month = f.month
  if (f.kind) q.kind = f.kind
  if (f.state) q.state = f.state
  if (f.who) q.who = f.who
  return q
}

export function filterSanctions(list: readonly TicketSanction[], f: Pick<LedgerFilters, 'kind' | 'state' | 'who'>): TicketSanction[] {
  return list.filter((x) => (!f.kind || x.kind === f.kind) && (!f.state || x.state === f.state) && (!f.who || ledgerKey(x) === f.who))
}

// A net amount with its sign: "+¥50.00", "-¥250.00", "¥0.00".
export function signedMoney(fen: number): string {
  return fen > 0 ? `+${formatMoney(fen)}` : formatMoney(fen)
}
