import { describe, expect, it } from 'vitest'
import { addDays, answerErrors, callbackNotice, dueClass, firingOutcome, formatFigure, formatRate, formatScore, opsFor, outcomeForKey, parseCallbackEvent, shanghaiDay, shortcutLabel, splitValues } from './callbacks'

describe('callback figures', () => {
  it('rates: two decimals, "—" for no data, never 0', () => {
    expect(formatRate(97)).toBe('97.00%')
    expect(formatRate(87.33)).toBe('87.33%')
    expect(formatRate(0)).toBe('0.00%')
    expect(formatRate(null)).toBe('—')
    expect(formatRate(undefined)).toBe('—')
    expect(formatRate(Number.NaN)).toBe('—')
    expect(formatFigure(1.5)).toBe('1.50')
    expect(formatFigure(null)).toBe('—')
    expect(formatScore(87.349)).toBe('87.3')
    expect(formatScore(null)).toBe('—')
  })
})

describe('outcome shortcuts', () => {
  it('Alt+1 … Alt+6 in order, by code first', () => {
    expect(outcomeForKey({ altKey: true, key: '1', code: 'Digit1' })).toBe('answered')
    expect(outcomeForKey({ altKey: true, key: '¡', code: 'Digit1' })).toBe('answered') // macOS
    expect(outcomeForKey({ altKey: true, key: '2', code: 'Numpad2' })).toBe('no_answer')
    expect(outcomeForKey({ altKey: true, key: '6' })).toBe('call_back_later')
    expect(outcomeForKey({ altKey: true, key: '7', code: 'Digit7' })).toBeNull()
    expect(outcomeForKey({ altKey: false, key: '1', code: 'Digit1' })).toBeNull()
    expect(outcomeForKey({ altKey: true, ctrlKey: true, key: '1', code: 'Digit1' })).toBeNull()
    expect(shortcutLabel('busy')).toBe('Alt+3')
  })
})

describe('rules and queue helpers', () => {
  it('firing outcomes split into kind and reason', () => {
    expect(firingOutcome('created')).toEqual({ kind: 'created', reason: '' })
    expect(firingOutcome('skipped:callbacks.no_consent')).toEqual({ kind: 'skipped', reason: 'callbacks.no_consent' })
  })
  it('operators fit the field type as the server says', () => {
    expect(opsFor('bool')).toEqual(['=', '!=', 'in', 'not_in', 'exists', 'missing'])
    expect(opsFor('unit')).toContain('in_unit')
    expect(opsFor('list')).toContain('contains')
    expect(opsFor('list')).not.toContain('<')
    expect(opsFor('number')).not.toContain('contains')
  })
  it('values typed as text', () => {
    expect(splitValues('a, b，c\nd ')).toEqual(['a', 'b', 'c', 'd'])
    expect(splitValues('  ')).toEqual([])
  })
  it('due colours', () => {
    expect(dueClass(1000, 2000)).toBe('due-over')
    expect(dueClass(5000, 2000, true)).toBe('due-over')
    expect(dueClass(2000 + 3600_000, 2000)).toBe('due-soon')
    expect(dueClass(2000 + 3 * 3600_000, 2000)).toBe('')
  })
  it('local days in Shanghai', () => {
    expect(shanghaiDay(Date.UTC(2026, 0, 31, 16, 30))).toBe('2026-02-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })
  it('answer errors by question code', () => {
    expect(answerErrors([{ field: 'answers.q17', message: 'x' }, { field: 'note', message: 'y' }, { field: 'answers.q17', message: 'z' }])).toEqual({ q17: 'x; z' })
  })
})

describe('live callback events', () => {
  it('parses a frame and falls back on unknown reasons', () => {
    const e = parseCallbackEvent(JSON.stringify({ type: 'callback.reassigned', reason: 'taken', task_id: 7, state: 'pending', assignee_id: 3, from_assignee_id: 2, due_at: 1000, by_me: false }))
    expect(e).toEqual({ type: 'callback.reassigned', reason: 'taken', task_id: 7, state: 'pending', assignee_id: 3, from_assignee_id: 2, due_at: 1000, by_me: false })
    expect(parseCallbackEvent(JSON.stringify({ type: 'callback.x', reason: 'odd', task_id: 1 }))?.reason).toBe('changed')
    expect(parseCallbackEvent('not json')).toBeNull()
    expect(parseCallbackEvent(JSON.stringify({ type: 'callback.created' }))).toBeNull()
  })
  it('notifies about my own work only', () => {
    const base = { type: 'callback.created', task_id: 1, state: 'pending', assignee_id: 1, from_assignee_id: null, due_at: null, by_me: false }
    expect(callbackNotice({ ...base, reason: 'assigned' })?.key).toBe('callbacks.live.assigned')
    expect(callbackNotice({ ...base, reason: 'due_soon' })?.type).toBe('warning')
    expect(callbackNotice({ ...base, reason: 'answered' })?.key).toBe('callbacks.live.answered')
    expect(callbackNotice({ ...base, reason: 'changed' })).toBeNull()
    expect(callbackNotice({ ...base, reason: 'taken', by_me: true })).toBeNull()
  })
})
