// Pure helpers of the callback pages (回访): rates and counts as the KPI rules say (two
// decimals, "—" when there is nothing to divide, never 0), the outcome shortcuts of the
// task page, the words for a rule firing's outcome, and the queue's due-time colours.

export const OUTCOMES = ['answered', 'no_answer', 'busy', 'refused', 'wrong_number', 'call_back_later'] as const
export type Outcome = (typeof OUTCOMES)[number]

// A percent from the API (already rounded to two decimals, or null) → "97.00%" or "—".
export function formatRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return `${v.toFixed(2)}%`
}

// A plain figure with two decimals (average attempts) or "—".
export function formatFigure(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return v.toFixed(2)
}

// A score index on the questionnaire's scale (0..scale) → "87.3" or "—".
export function formatScore(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return (Math.round(v * 10) / 10).toFixed(1)
}

// Alt+1 … Alt+6 pick the outcomes in OUTCOMES order. `code` ("Digit3", "Numpad3") is used
// first: on some keyboards Alt changes `key` (macOS: Alt+1 → "¡").
export function outcomeForKey(e: { altKey: boolean; ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean; key: string; code?: string }): Outcome | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null
  const m = /^(?:Digit|Numpad)([1-9])$/.exec(e.code ?? '') ?? /^([1-9])$/.exec(e.key)
  if (!m) return null
  return OUTCOMES[Number(m[1]) - 1] ?? null
}

export const shortcutLabel = (o: Outcome): string => `Alt+${OUTCOMES.indexOf(o) + 1}`

// A firing's outcome ("created", "skipped:callbacks.no_consent", "failed:…") → the i18n key
// of its words and the reason code, if any.
export function firingOutcome(outcome: string): { kind: string; reason: string } {
  const i = outcome.indexOf(':')
  if (i < 0) return { kind: outcome, reason: '' }
  return { kind: outcome.slice(0, i), reason: outcome.slice(i + 1) }
}

// Red when overdue, orange within two hours, else plain.
export function dueClass(dueAt: number, now: number, overdue?: boolean): '' | 'due-over' | 'due-soon' {
  if (overdue || dueAt < now) return 'due-over'
  if (dueAt - now <= 2 * 3600_000) return 'due-soon'
  return ''
}

// Local date "YYYY-MM-DD" of an instant in UTC+8 (the KPI pages' default range).
export function shanghaiDay(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10)
}

export function addDays(ymd: string, days: number): string {
  const d = new Date(`${ymd}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

// The question codes of a 422's field errors ("answers.q17" → { q17: message }).
export function answerErrors(errors: readonly { field: string; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of errors ?? []) {
    if (!e.field.startsWith('answers.')) continue
    const code = e.field.slice('answers.'.length)
    out[code] = out[code] ? `${out[code]}; ${e.message}` : e.message
  }
  return out
}

// Values of a rule condition typed as text ("a, b，c" or one per line) → a list.
export function splitValues(text: string): string[] {
  return text
    .split(/[,，\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

// Operators that fit a field type (mirrors rules::op_fits on the server).
const ALL_OPS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not_in', 'contains', 'not_contains', 'exists', 'missing', 'in_unit']
export function opFits(op: string, type: string): boolean {
  if (['exists', 'missing', '=', '!=', 'in', 'not_in'].includes(op)) return true
  if (op === 'contains' || op === 'not_contains') return type === 'list' || type === 'text'
  if (op === 'in_unit') return type === 'unit'
  return type === 'number' || type === 'date' || type === 'text'
}
export const opsFor = (type: string): string[] => ALL_OPS.filter((op) => opFits(op, type))
export const opTakesValues = (op: string): boolean => op !== 'exists' && op !== 'missing'
export const opTakesMany = (op: string): boolean => ['in', 'not_in', 'in_unit'].includes(op)

// The i18n key of an operator ("<=" → "le").
const OP_KEYS: Record<string, string> = { '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' }
export const opKey = (op: string): string => OP_KEYS[op] ?? op
// The i18n key of a message code ("callbacks.no_consent" → "callbacks_no_consent").
export const codeKey = (code: string): string => code.replace(/\./g, '_')

// A callback frame of the live stream (event `callback`): why it concerns the listener
// (`reason`, decided by the server) and the task's fields, never the customer's data.
export type LiveReason = 'assigned' | 'taken' | 'due_soon' | 'answered' | 'changed'
export interface LiveCallbackEvent {
  type: string
  reason: LiveReason
  task_id: number
  state: string
  assignee_id: number | null
  from_assignee_id: number | null
  due_at: number | null
  by_me: boolean
}

const REASONS: readonly string[] = ['assigned', 'taken', 'due_soon', 'answered', 'changed']

export function parseCallbackEvent(data: string): LiveCallbackEvent | null {
  try {
    const v = JSON.parse(data) as Partial<LiveCallbackEvent>
    if (!v || typeof v !== 'object' || typeof v.type !== 'string' || typeof v.task_id !== 'number') return null
    const reason = REASONS.includes(String(v.reason)) ? (v.reason as LiveReason) : 'changed'
    return {
      type: v.type,
      reason,
      task_id: v.task_id,
      state: String(v.state ?? ''),
      assignee_id: typeof v.assignee_id === 'number' ? v.assignee_id : null,
      from_assignee_id: typeof v.from_assignee_id === 'number' ? v.from_assignee_id : null,
      due_at: typeof v.due_at === 'number' ? v.due_at : null,
      by_me: v.by_me === true,
    }
  } catch {
    return null
  }
}

// Whether an event deserves a notification (the agent's own work changing under them), and
// its text key; supervisors' "changed" events only refresh the list.
export function callbackNotice(e: LiveCallbackEvent): { key: string; type: 'info' | 'warning' | 'success' } | null {
  if (e.by_me) return null
  switch (e.reason) {
    case 'assigned':
      return { key: 'callbacks.live.assigned', type: 'info' }
    case 'taken':
      return { key: 'callbacks.live.taken', type: 'info' }
    case 'due_soon':
      return { key: 'callbacks.live.dueSoon', type: 'warning' }
    case 'answered':
      return { key: 'callbacks.live.answered', type: 'success' }
    default:
      return null
  }
}
