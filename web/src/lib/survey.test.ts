import { describe, expect, it } from 'vitest'
import { blankQuestion, fmtIndex, fmtPercent, isComplete, keyToAnswer, missingRequired, nextCode, pruneHidden, shownCodes, type SurveyQuestion } from './survey'

function q(code: string, type: SurveyQuestion['type'], extra: Partial<SurveyQuestion> = {}): SurveyQuestion {
  return { ...blankQuestion(code, type), text: code, ...extra }
}

const def = {
  questions: [
    q('fixed', 'yes_no', { required: true }),
    q('what', 'single', { required: true, show_if: { question: 'fixed', any_of: ['no'] }, options: [{ code: 'm', label: '机修', dissatisfied: false }, { code: 'b', label: '钣金', dissatisfied: false }] }),
    q('why', 'text', { required: true, show_if: { question: 'what', any_of: ['b'] } }),
    q('score', 'scale', { required: true, scale_min: 0, scale_max: 10 }),
    q('tags', 'multi', { options: [{ code: 'x', label: '甲', dissatisfied: false }, { code: 'y', label: '乙', dissatisfied: false }, { code: 'z', label: '丙', dissatisfied: false }] }),
  ],
}

describe('skip logic', () => {
  it('shows a question only when its condition holds, through chains', () => {
    expect([...shownCodes(def, {})]).toEqual(['fixed', 'score', 'tags'])
    expect(shownCodes(def, { fixed: false }).has('what')).toBe(true)
    expect(shownCodes(def, { fixed: false, what: 'b' }).has('why')).toBe(true)
    // "what" hidden again → "why" hidden too, even with a stale answer.
    expect(shownCodes(def, { fixed: true, what: 'b' }).has('why')).toBe(false)
    expect(pruneHidden(def, { fixed: true, what: 'b', why: 'x', score: 3 })).toEqual({ fixed: true, score: 3 })
  })
  it('is complete when every shown required question has an answer', () => {
    expect(isComplete(def, { fixed: true, score: 10 })).toBe(true)
    expect(isComplete(def, { fixed: false, score: 10 })).toBe(false)
    expect(missingRequired(def, { fixed: false, what: 'b', score: 10 })).toEqual(['why'])
    expect(isComplete(def, { fixed: false, what: 'b', why: '', score: 10 })).toBe(false)
    expect(isComplete(def, { fixed: false, what: 'm', score: 10 })).toBe(true)
  })
})

describe('keyboard entry', () => {
  const scale = def.questions[3]
  it('digits pick a scale value; "1","0" is ten', () => {
    expect(keyToAnswer(scale, '7', undefined, '')).toEqual({ value: 7, buffer: '7', final: true })
    const one = keyToAnswer(scale, '1', undefined, '')
    expect(one).toEqual({ value: 1, buffer: '1', final: false })
    expect(keyToAnswer(scale, '0', 1, one.buffer)).toEqual({ value: 10, buffer: '10', final: true })
    expect(keyToAnswer(scale, '5', 10, '10')).toEqual({ value: 5, buffer: '5', final: true })
    const fivePoint = q('s', 'scale', { scale_min: 1, scale_max: 5 })
    expect(keyToAnswer(fivePoint, '0', undefined, '').value).toBeUndefined()
    expect(keyToAnswer(fivePoint, '6', undefined, '').value).toBeUndefined()
    expect(keyToAnswer(fivePoint, '1', undefined, '')).toEqual({ value: 1, buffer: '1', final: true })
  })
  it('y/n answer yes/no; digits pick the n-th option', () => {
    expect(keyToAnswer(def.questions[0], 'y', undefined, '').value).toBe(true)
    expect(keyToAnswer(def.questions[0], 'N', undefined, '').value).toBe(false)
    expect(keyToAnswer(def.questions[1], '2', undefined, '').value).toBe('b')
    expect(keyToAnswer(def.questions[1], '3', undefined, '').value).toBeUndefined()
  })
  it('space toggles the highlighted option of a multi question', () => {
    const tags = def.questions[4]
    const moved = keyToAnswer(tags, '3', undefined, '', 0)
    expect(moved.cursor).toBe(2)
    const on = keyToAnswer(tags, ' ', ['x'], '', 2)
    expect(on.value).toEqual(['x', 'z'])
    const off = keyToAnswer(tags, ' ', ['x', 'z'], '', 0)
    expect(off.value).toEqual(['z'])
    expect(keyToAnswer(tags, ' ', ['z'], '', 2).value).toBeNull()
    expect(keyToAnswer(tags, 'Backspace', ['z'], '', 2).value).toBeNull()
  })
})

describe('figures', () => {
  it('rounds half up and shows a dash without data', () => {
    expect(fmtIndex(976.25)).toBe('976.3')
    expect(fmtIndex(null)).toBe('—')
    expect(fmtPercent(87.325)).toBe('87.33%')
    expect(fmtPercent(undefined)).toBe('—')
  })
  it('finds a free question code', () => {
    expect(nextCode([{ code: 'q01' }, { code: 'q03' }])).toBe('q04')
    expect(nextCode([])).toBe('q01')
  })
})
