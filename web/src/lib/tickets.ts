// Pure helpers of the ticket pages: the loop's steps, deadline colours and hints, queues
// and filters, categories as a tree, SLA minutes as working days, saved views.
import type { DueState, Ticket, TicketAction, TicketCategory, TicketKind, TicketSeverity, TicketState, TicketChannel } from '@/api/types'
import { TICKET_CHANNELS, TICKET_KINDS, TICKET_SEVERITIES, TICKET_STATES } from '@/api/types'

// The loop as the page's el-steps shows it: one step per state of the main road, each
// titled by the work that leads to it (受理 → 判定成立 → 分派 → 调查 → 出方案 → 审批 → 执行 →
// 回访关闭).
export const LOOP: readonly TicketState[] = ['new', 'accepted', 'routed', 'investigated', 'proposed', 'approved', 'implemented', 'closed']

// The step now being worked on: the one after the state reached (a new ticket waits for
// its judgement, a proposed one for approval). A closed ticket is on the last step,
// whichever road it took (rejected, answered, merged or resolved).
export function stateStepIndex(state: string): number {
  const i = LOOP.indexOf(state as TicketState)
  if (i < 0) return 0
  return state === 'closed' ? i : i + 1
}

// el-steps' status of step `i` for a ticket in `state` with `resolution`. A ticket closed
// without going round the loop (answered at once, judged not valid, merged into another)
// skipped the steps between intake and close: they stay grey, not ticked.
export function stepStatus(i: number, state: string, resolution: string): 'finish' | 'process' | 'wait' | 'success' | 'error' {
  const cur = stateStepIndex(state)
  if (state === 'closed') {
    const round = resolution === 'resolved' || resolution === ''
    if (i === cur) return round || resolution === 'answered' ? 'success' : 'error'
    return round || i === 0 ? 'finish' : 'wait'
  }
  if (i < cur) return 'finish'
  if (i === cur) return 'process'
  return 'wait'
}

// Element Plus tag type for a deadline state: breached red, due soon orange, paused grey.
export function dueTagType(due: DueState | string | null | undefined): 'danger' | 'warning' | 'info' | 'success' | 'primary' {
  switch (due) {
    case 'breached':
      return 'danger'
    case 'due_soon':
      return 'warning'
    case 'paused':
      return 'info'
    case 'ok':
      return 'success'
    default:
      return 'info'
  }
}

// CSS colour variable for a due time in a table cell.
export function dueColor(due: DueState | string | null | undefined): string {
  switch (due) {
    case 'breached':
      return 'var(--el-color-danger)'
    case 'due_soon':
      return 'var(--el-color-warning-dark-2)'
    case 'paused':
      return 'var(--el-text-color-secondary)'
    default:
      return 'var(--el-text-color-regular)'
  }
}

// 重大 red; 渠道 and 升级 orange; 普通 plain.
export function severityTagType(s: TicketSeverity | string): 'danger' | 'warning' | 'info' {
  if (s === 'major') return 'danger'
  if (s === 'channel' || s === 'escalated') return 'warning'
  return 'info'
}

export interface Relative {
  key: 'inMinutes' | 'inHours' | 'inDays' | 'minutesAgo' | 'hoursAgo' | 'daysAgo' | 'now'
  n: number
}

// How far `ms` is from `now`, for a hint next to a deadline ("还剩 3 小时", "已超 2 天").
export function relativeTo(ms: number, now: number): Relative {
  const diff = ms - now
  const abs = Math.abs(diff)
  const min = Math.floor(abs / 60_000)
  if (min < 1) return { key: 'now', n: 0 }
  const future = diff > 0
  if (min < 60) return { key: future ? 'inMinutes' : 'minutesAgo', n: min }
  const h = Math.floor(min / 60)
  if (h < 48) return { key: future ? 'inHours' : 'hoursAgo', n: h }
  return { key: future ? 'inDays' : 'daysAgo', n: Math.floor(h / 24) }
}

// 4442 basis points → "44.42%"; no money asked → "—".
export function bpPercent(bp: number | null | undefined, asked = 1): string {
  if (bp === null || bp === undefined || !Number.isFinite(bp) || !asked) return '—'
  const sign = bp < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(bp))
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`
}

// saved ÷ asked in basis points, half up, from integers (as the server computes it).
export function savedBp(askedFen: number, paidFen: number): number {
  if (askedFen <= 0) return 0
  const saved = Math.max(0, askedFen - paidFen)
  return Math.floor((saved * 10000 * 2 + askedFen) / (askedFen * 2))
}

// SLA minutes as working days of `dayMinutes` (8 h by default): 1440 → "3", 720 → "1.5",
// 100 → "0.21". Two decimals at most, trailing zeros dropped.
export function minutesToWorkingDays(minutes: number, dayMinutes = 480): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return '0'
  const hundredths = Math.round((minutes * 100) / dayMinutes)
  const whole = Math.floor(hundredths / 100)
  const frac = String(hundredths % 100).padStart(2, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : String(whole)
}

// ---- categories: the flat list (ordered by path) as a tree for el-cascader / el-tree
export interface CategoryNode {
  value: number
  label: string
  category: TicketCategory
  disabled?: boolean
  children?: CategoryNode[]
}

export function buildCategoryTree(list: readonly TicketCategory[], opts: { onlyActive?: boolean } = {}): CategoryNode[] {
  const nodes = new Map<number, CategoryNode>()
  const sorted = [...list].sort((a, b) => a.sort - b.sort || a.id - b.id)
  for (const c of sorted) {
    if (opts.onlyActive && !c.active) continue
    nodes.set(c.id, { value: c.id, label: c.name, category: c, disabled: !c.active })
  }
  const roots: CategoryNode[] = []
  for (const n of nodes.values()) {
    const parent = n.category.parent_id != null ? nodes.get(n.category.parent_id) : undefined
    if (parent) (parent.children ??= []).push(n)
    else if (n.category.parent_id == null) roots.push(n)
  }
  return roots
}

// The ids from the root to `id` ([parent, child]), for an el-cascader's value.
export function categoryPath(list: readonly TicketCategory[], id: number | null | undefined): number[] {
  if (id == null) return []
  const byId = new Map(list.map((c) => [c.id, c]))
  const out: number[] = []
  let cur = byId.get(id)
  const seen = new Set<number>()
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id)
    out.unshift(cur.id)
    cur = cur.parent_id != null ? byId.get(cur.parent_id) : undefined
  }
  return out
}

// ---- queues and filters
export const QUEUES = ['mine', 'unit', 'unassigned', 'due_soon', 'breached', 'all'] as const
export type Queue = (typeof QUEUES)[number]

export interface TicketFilters {
  queue: Queue
  kind: TicketKind | ''
  severity: TicketSeverity | ''
  channel: TicketChannel | ''
  state: TicketState | 'open' | 'closed' | ''
  q: string
}

export const emptyTicketFilters = (queue: Queue = 'mine'): TicketFilters => ({ queue, kind: '', severity: '', channel: '', state: '', q: '' })

const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : v == null ? '' : String(v))
const pick = <T extends string>(v: unknown, allowed: readonly T[]): T | '' => {
  const s = one(v)
  return (allowed as readonly string[]).includes(s) ? (s as T) : ''
}

export function ticketFiltersFromQuery(q: Record<string, unknown>, fallbackQueue: Queue = 'mine'): TicketFilters {
  const queue = pick(q.queue, QUEUES) || fallbackQueue
  const state = pick(q.state, [...TICKET_STATES, 'open', 'closed'] as const)
  return {
    queue,
    kind: pick(q.kind, TICKET_KINDS),
    severity: pick(q.severity, TICKET_SEVERITIES),
    channel: pick(q.channel, TICKET_CHANNELS),
    state,
    q: one(q.q).slice(0, 100),
  }
}

export function queryOfTicketFilters(f: TicketFilters): Record<string, string> {
  const out: Record<string, string> = { queue: f.queue }
  if (f.kind) out.kind = f.kind
  if (f.severity) out.severity = f.severity
  if (f.channel) out.channel = f.channel
  if (f.state) out.state = f.state
  if (f.q.trim()) out.q = f.q.trim()
  return out
}

// The API's query for one page.
export function ticketApiQuery(f: TicketFilters, limit: number, after: string | null) {
  return {
    queue: f.queue,
    kind: f.kind || undefined,
    severity: f.severity || undefined,
    channel: f.channel || undefined,
    state: f.state || undefined,
    q: f.q.trim() || undefined,
    limit,
    after: after ?? undefined,
  }
}

// ---- saved views (kept on the server: GET/POST /ticket-views; a supervisor may share one
// with their unit). Earlier versions kept them in the browser; those are moved up once.
export interface SavedView {
  id: number
  name: string
  filters: TicketFilters
  shared: boolean
  mine: boolean
  owner_name: string
  shared_unit_name: string
}

// A view as the API gives it (filters: only the non-empty ones).
export interface ApiTicketView {
  id: number
  name: string
  filters: Record<string, unknown>
  shared: boolean
  mine: boolean
  owner_name: string
  shared_unit_name?: string
}

export function viewFromApi(v: ApiTicketView): SavedView {
  return {
    id: v.id,
    name: v.name,
    filters: ticketFiltersFromQuery(v.filters ?? {}, 'all'),
    shared: v.shared,
    mine: v.mine,
    owner_name: v.owner_name,
    shared_unit_name: v.shared_unit_name ?? '',
  }
}

// Own views first, then the shared ones, each by name (zh-CN collation).
export function sortViews(views: readonly SavedView[]): SavedView[] {
  return [...views].sort((a, b) => Number(b.mine) - Number(a.mine) || a.name.localeCompare(b.name, 'zh-CN'))
}

// The filters as the API stores them: the queue and the filters that are set.
export type ApiViewFilters = { queue: Queue } & Partial<Record<'kind' | 'severity' | 'channel' | 'state' | 'q', string>>
export function viewFiltersForApi(f: TicketFilters): ApiViewFilters {
  const out: ApiViewFilters = { queue: f.queue }
  for (const key of ['kind', 'severity', 'channel', 'state'] as const) if (f[key]) out[key] = f[key]
  if (f.q.trim()) out.q = f.q.trim()
  return out
}

export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export const savedViewsKey = (userId: number) => `kefu.ticketViews.${userId}`

// The views an earlier version kept in this browser, to be saved on the server once.
export function legacyViews(store: KeyValueStore | undefined, userId: number): { name: string; filters: TicketFilters }[] {
  try {
    const raw = store?.getItem(savedViewsKey(userId))
    const list = raw ? (JSON.parse(raw) as unknown) : []
    if (!Array.isArray(list)) return []
    return list
      .filter((v): v is { name: string; filters: Record<string, unknown> } => !!v && typeof v === 'object' && typeof (v as { name: unknown }).name === 'string' && !!(v as { filters: unknown }).filters)
      .map((v) => ({ name: v.name.trim().slice(0, 40), filters: ticketFiltersFromQuery(v.filters) }))
      .filter((v) => v.name)
  } catch {
    return []
  }
}

export function forgetLegacyViews(store: KeyValueStore | undefined, userId: number) {
  try {
    store?.removeItem(savedViewsKey(userId))
  } catch {
    /* storage unavailable */
  }
}

// ---- steps
// The fields each action's dialog asks for.
export type StepField = 'comment' | 'resp_unit_id' | 'assignee_id' | 'root_cause_id' | 'findings' | 'responsible_staff_id' | 'solutions' | 'asked' | 'solution_index' | 'implementation' | 'paid' | 'satisfied'

export const STEP_FIELDS: Record<TicketAction, readonly StepField[]> = {
  accept: ['comment'],
  reject: ['comment'],
  answer: ['comment'],
  route: ['resp_unit_id', 'assignee_id', 'comment'],
  hand_back: ['comment'],
  investigate: ['root_cause_id', 'findings', 'responsible_staff_id', 'comment'],
  propose: ['solutions', 'asked', 'comment'],
  approve: ['solution_index', 'comment'],
  send_back: ['comment'],
  implement: ['implementation', 'paid', 'comment'],
  verify: ['satisfied', 'comment'],
  reopen: ['comment'],
  pause: ['comment'],
  resume: ['comment'],
}

// Actions whose comment is the reason and must be given.
export const REASON_REQUIRED: readonly TicketAction[] = ['reject', 'answer', 'hand_back', 'send_back', 'reopen']

// Button look of each action: the main road primary, refusals danger.
export function actionButtonType(a: TicketAction): 'primary' | 'danger' | 'warning' | 'default' {
  if (['accept', 'route', 'investigate', 'propose', 'approve', 'implement', 'verify'].includes(a)) return 'primary'
  if (['reject', 'send_back', 'hand_back'].includes(a)) return 'danger'
  if (['pause', 'reopen'].includes(a)) return 'warning'
  return 'default'
}

// Which live event concerns the page: the ticket itself, or a list (any ticket event).
export interface LiveTicketEvent {
  type: string
  ticket_id: number
  number: string
  state: string
  unit_id?: number | null
  resp_unit_id?: number | null
  assignee_id?: number | null
}

export function parseTicketEvent(data: string): LiveTicketEvent | null {
  try {
    const v = JSON.parse(data) as Partial<LiveTicketEvent>
    if (!v || typeof v !== 'object' || typeof v.type !== 'string' || typeof v.ticket_id !== 'number') return null
    return { type: v.type, ticket_id: v.ticket_id, number: String(v.number ?? ''), state: String(v.state ?? ''), unit_id: v.unit_id ?? null, resp_unit_id: v.resp_unit_id ?? null, assignee_id: v.assignee_id ?? null }
  } catch {
    return null
  }
}

// The notification text key for an event as `userId` sees it: 「已分派给您」 when routed to
// them, else by type.
export function eventMessageKey(e: LiveTicketEvent, userId: number | undefined): string {
  if ((e.type === 'ticket.routed' || e.type === 'ticket.changed') && e.assignee_id != null && e.assignee_id === userId) return 'tickets.live.assignedToYou'
  const known = ['ticket.created', 'ticket.changed', 'ticket.routed', 'ticket.closed', 'ticket.reopened', 'ticket.commented', 'ticket.breached']
  return known.includes(e.type) ? `tickets.live.${e.type.slice('ticket.'.length)}` : 'tickets.live.changed'
}

// Backoff for reconnecting: 1 s, 2 s, 4 s … capped at 30 s.
export function backoffMs(attempt: number, base = 1000, cap = 30_000): number {
  return Math.min(cap, base * 2 ** Math.max(0, Math.min(attempt, 15)))
}

// Whether a ticket is still open.
export const isOpen = (t: Pick<Ticket, 'state'>) => t.state !== 'closed'
