import { describe, expect, it } from 'vitest'
import { fenToYuan, formatMoney, yuanToFen } from './money'
import {
  LOOP,
  backoffMs,
  bpPercent,
  buildCategoryTree,
  categoryPath,
  dueColor,
  dueTagType,
  emptyTicketFilters,
  eventMessageKey,
  legacyViews,
  forgetLegacyViews,
  minutesToWorkingDays,
  parseTicketEvent,
  queryOfTicketFilters,
  relativeTo,
  savedViewsKey,
  sortViews,
  viewFiltersForApi,
  viewFromApi,
  savedBp,
  severityTagType,
  stateStepIndex,
  stepStatus,
  ticketFiltersFromQuery,
  type KeyValueStore,
} from './tickets'
import type { TicketCategory } from '@/api/types'

describe('money for tickets: yuan typed, fen sent, exactly', () => {
  it('parses the decimal string without float drift', () => {
    expect(yuanToFen('0.1')).toBe(10)
    expect(yuanToFen('0.29')).toBe(29) // 0.29 * 100 = 28.999999999999996 in floats
    expect(yuanToFen('1357.26')).toBe(135726)
    expect(yuanToFen('¥1,234.50')).toBe(123450)
    expect(yuanToFen('12.345')).toBeNull()
    expect(yuanToFen('-1')).toBeNull()
    expect(yuanToFen('')).toBeNull()
  })
  it('formats the Chinese way and round-trips', () => {
    expect(formatMoney(123450)).toBe('¥1,234.50')
    expect(formatMoney(7543200)).toBe('¥75,432.00')
    for (const fen of [0, 1, 10, 99, 100, 123456789]) expect(yuanToFen(fenToYuan(fen))).toBe(fen)
  })
  it('saved ratio in basis points, half up, as the server computes it (seed 002: 44.42%)', () => {
    expect(savedBp(13572600, 7543200)).toBe(4442)
    expect(bpPercent(4442)).toBe('44.42%')
    expect(bpPercent(savedBp(300, 100))).toBe('66.67%') // 66.666… → 66.67
    expect(savedBp(0, 0)).toBe(0)
    expect(savedBp(100, 200)).toBe(0) // paid more than asked: nothing saved
    expect(bpPercent(10000)).toBe('100.00%')
    expect(bpPercent(5)).toBe('0.05%')
    expect(bpPercent(null)).toBe('—')
    expect(bpPercent(0, 0)).toBe('—') // nothing asked: no figure
  })
})

describe('the loop as steps', () => {
  it('maps each state to the step being worked on, closed last', () => {
    expect(LOOP).toHaveLength(8)
    expect(stateStepIndex('new')).toBe(1) // taken in; waiting for the judgement
    expect(stateStepIndex('routed')).toBe(3) // waiting for the investigation
    expect(stateStepIndex('proposed')).toBe(5) // waiting for approval
    expect(stateStepIndex('implemented')).toBe(7) // waiting for the verification call
    expect(stateStepIndex('closed')).toBe(7)
    expect(stateStepIndex('nonsense')).toBe(0)
  })
  it('highlights the current step; a closed ticket ends in success or error by its resolution', () => {
    expect(stepStatus(2, 'routed', '')).toBe('finish')
    expect(stepStatus(3, 'routed', '')).toBe('process')
    expect(stepStatus(4, 'routed', '')).toBe('wait')
    expect(stepStatus(7, 'closed', 'resolved')).toBe('success')
    expect(stepStatus(7, 'closed', 'not_valid')).toBe('error')
    expect(stepStatus(3, 'closed', 'resolved')).toBe('finish')
    expect(stepStatus(3, 'closed', 'not_valid')).toBe('wait') // skipped, not done
    expect(stepStatus(0, 'closed', 'not_valid')).toBe('finish')
    expect(stepStatus(7, 'closed', 'answered')).toBe('success') // an inquiry answered at once
  })
})

describe('deadlines', () => {
  it('colours by due state', () => {
    expect(dueTagType('breached')).toBe('danger')
    expect(dueTagType('due_soon')).toBe('warning')
    expect(dueTagType('paused')).toBe('info')
    expect(dueTagType('ok')).toBe('success')
    expect(dueColor('breached')).toContain('danger')
    expect(dueColor('due_soon')).toContain('warning')
    expect(dueColor('')).toContain('regular')
  })
  it('gives relative hints', () => {
    const now = Date.UTC(2026, 9, 9, 2, 0)
    expect(relativeTo(now + 30 * 60_000, now)).toEqual({ key: 'inMinutes', n: 30 })
    expect(relativeTo(now + 3 * 3600_000 + 5, now)).toEqual({ key: 'inHours', n: 3 })
    expect(relativeTo(now - 50 * 3600_000, now)).toEqual({ key: 'daysAgo', n: 2 })
    expect(relativeTo(now + 20_000, now)).toEqual({ key: 'now', n: 0 })
  })
  it('shows SLA minutes as working days of 8 hours', () => {
    expect(minutesToWorkingDays(1440)).toBe('3')
    expect(minutesToWorkingDays(720)).toBe('1.5')
    expect(minutesToWorkingDays(240)).toBe('0.5')
    expect(minutesToWorkingDays(100)).toBe('0.21')
    expect(minutesToWorkingDays(0)).toBe('0')
  })
  it('severity tags: 重大 red, 渠道 and 升级 orange', () => {
    expect(severityTagType('major')).toBe('danger')
    expect(severityTagType('channel')).toBe('warning')
    expect(severityTagType('escalated')).toBe('warning')
    expect(severityTagType('normal')).toBe('info')
  })
})

describe('categories', () => {
  const c = (id: number, parent: number | null, name: string, sort = 10, active = true): TicketCategory => ({ id, kind: 'complaint', parent_id: parent, path: '', code: `c${id}`, name, sort, active })
  const list = [c(1, null, '服务态度', 10), c(2, 1, '态度恶劣', 20), c(3, 1, '无人接待', 10), c(4, null, '价格', 5), c(5, 4, '多收费用', 10, false)]
  it('builds the tree sorted, children under their parents', () => {
    const tree = buildCategoryTree(list)
    expect(tree.map((n) => n.label)).toEqual(['价格', '服务态度'])
    expect(tree[1].children!.map((n) => n.label)).toEqual(['无人接待', '态度恶劣'])
    expect(tree[0].children![0].disabled).toBe(true)
    expect(buildCategoryTree(list, { onlyActive: true })[0].children).toBeUndefined()
  })
  it('finds the path of a category', () => {
    expect(categoryPath(list, 2)).toEqual([1, 2])
    expect(categoryPath(list, null)).toEqual([])
  })
})

describe('queues, filters and saved views', () => {
  it('reads filters from the address, ignoring junk', () => {
    const f = ticketFiltersFromQuery({ queue: 'breached', kind: 'complaint', severity: 'nope', state: 'open', q: 'TS-2026' })
    expect(f).toEqual({ queue: 'breached', kind: 'complaint', severity: '', channel: '', state: 'open', q: 'TS-2026' })
    expect(ticketFiltersFromQuery({}, 'unit').queue).toBe('unit')
    expect(queryOfTicketFilters(f)).toEqual({ queue: 'breached', kind: 'complaint', state: 'open', q: 'TS-2026' })
  })
  it('reads views from the API, own first, and writes only the filters that are set', () => {
    const views = sortViews([
      viewFromApi({ id: 2, name: '一店超时', filters: { queue: 'breached' }, shared: true, mine: false, owner_name: '一店主管', shared_unit_name: '一店' }),
      viewFromApi({ id: 1, name: '重大', filters: { queue: 'all', severity: 'major', colour: 'red' }, shared: false, mine: true, owner_name: '我' }),
    ])
    expect(views.map((v) => v.id)).toEqual([1, 2])
    expect(views[0].filters).toEqual({ ...emptyTicketFilters('all'), severity: 'major' }) // unknown keys dropped
    expect(views[1].shared_unit_name).toBe('一店')
    expect(viewFiltersForApi({ ...emptyTicketFilters('due_soon'), kind: 'complaint', q: '  漏水 ' })).toEqual({ queue: 'due_soon', kind: 'complaint', q: '漏水' })
  })

  it('finds the views an earlier version kept in the browser, once', () => {
    const mem = new Map<string, string>()
    const store: KeyValueStore = { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => void mem.set(k, v), removeItem: (k) => void mem.delete(k) }
    mem.set(savedViewsKey(7), JSON.stringify([{ name: '重大', filters: { queue: 'all', severity: 'channel' } }, { name: '  ', filters: {} }, 3]))
    expect(legacyViews(store, 7)).toEqual([{ name: '重大', filters: { ...emptyTicketFilters('all'), severity: 'channel' } }])
    expect(legacyViews(store, 8)).toEqual([]) // another user
    forgetLegacyViews(store, 7)
    expect(legacyViews(store, 7)).toEqual([])
    mem.set(savedViewsKey(9), 'not json')
    expect(legacyViews(store, 9)).toEqual([])
  })
})

describe('live events', () => {
  it('parses the stream data and words it for the user', () => {
    const e = parseTicketEvent('{"type":"ticket.routed","ticket_id":1,"number":"TS-2026-000001","state":"routed","unit_id":3,"resp_unit_id":5,"assignee_id":7}')!
    expect(e.number).toBe('TS-2026-000001')
    expect(eventMessageKey(e, 7)).toBe('tickets.live.assignedToYou')
    expect(eventMessageKey(e, 8)).toBe('tickets.live.routed')
    expect(eventMessageKey({ ...e, type: 'ticket.whatever' }, 8)).toBe('tickets.live.changed')
    expect(parseTicketEvent('nope')).toBeNull()
    expect(parseTicketEvent('{"type":"x"}')).toBeNull()
  })
  it('backs off exponentially with a cap', () => {
    expect(backoffMs(0)).toBe(1000)
    expect(backoffMs(3)).toBe(8000)
    expect(backoffMs(20)).toBe(30000)
  })
})
