// Questionnaires in the console: the same skip logic and completeness rule as the server
// (src/modules/surveys/model.cpp), the keyboard mapping of QuestionnaireForm, and number
// formatting for the reports. Pure functions, unit-tested in survey.test.ts.
import type { components } from '@/api/schema'

type S = components['schemas']
export type SurveyQuestion = S['SurveyQuestion']
export type SurveyOption = S['SurveyOption']
export type SurveyDimension = S['SurveyDimension']
export type QuestionnaireInput = S['QuestionnaireInput']
export type Questionnaire = S['Questionnaire']
export type SurveyScored = S['SurveyScored']
export type AnswerValue = number | boolean | string | string[]
export type Answers = Record<string, AnswerValue>

// The definition parts the form needs.
export interface FormDefinition {
  questions: SurveyQuestion[]
}

// What skip logic compares: option codes, "yes"/"no", the scale value as text.
export function answerKeys(v: AnswerValue): string[] {
  if (typeof v === 'number') return [String(v)]
  if (typeof v === 'boolean') return [v ? 'yes' : 'no']
  if (Array.isArray(v)) return v
  return [v]
}

export function wellTyped(q: SurveyQuestion, v: AnswerValue | undefined): boolean {
  if (v === undefined) return false
  switch (q.type) {
    case 'scale':
      return typeof v === 'number' && Number.isInteger(v) && v >= (q.scale_min ?? 0) && v <= (q.scale_max ?? 0)
    case 'yes_no':
      return typeof v === 'boolean'
    case 'single':
      return typeof v === 'string' && (q.options ?? []).some((o) => o.code === v)
    case 'multi':
      return Array.isArray(v) && v.every((c) => (q.options ?? []).some((o) => o.code === c))
    case 'text':
      return typeof v === 'string'
  }
  return false
}

// An answer that counts as given: blank text or an empty multi does not.
export function given(v: AnswerValue | undefined): boolean {
  if (v === undefined) return false
  if (typeof v === 'string') return v.length > 0
  if (Array.isArray(v)) return v.length > 0
  return true
}

// Which questions are shown, in question order (a condition only looks back).
export function shownCodes(def: FormDefinition, answers: Answers): Set<string> {
  const shown = new Set<string>()
  const byCode = new Map(def.questions.map((q) => [q.code, q]))
  for (const q of def.questions) {
    const cond = q.show_if
    if (!cond) {
      shown.add(q.code)
      continue
    }
    const dep = byCode.get(cond.question)
    const v = answers[cond.question]
    if (dep && shown.has(dep.code) && wellTyped(dep, v) && answerKeys(v!).some((k) => cond.any_of.includes(k)))
      shown.add(q.code)
  }
  return shown
}

// The answers without those to hidden (or unknown) questions.
export function pruneHidden(def: FormDefinition, answers: Answers): Answers {
  const shown = shownCodes(def, answers)
  const out: Answers = {}
  for (const [k, v] of Object.entries(answers)) if (shown.has(k) && given(v)) out[k] = v
  return out
}

// Every shown required question has a well-typed answer.
export function isComplete(def: FormDefinition, answers: Answers): boolean {
  const shown = shownCodes(def, answers)
  return def.questions.every((q) => !q.required || !shown.has(q.code) || (given(answers[q.code]) && wellTyped(q, answers[q.code])))
}

// The shown required questions still without an answer.
export function missingRequired(def: FormDefinition, answers: Answers): string[] {
  const shown = shownCodes(def, answers)
  return def.questions.filter((q) => q.required && shown.has(q.code) && !(given(answers[q.code]) && wellTyped(q, answers[q.code]))).map((q) => q.code)
}

// Keyboard entry on one question. `buffer` holds digits typed just before (a 0–10 scale
// takes "1","0" for 10). Returns the new answer (null = clear, undefined = key not used),
// the new buffer, and whether the pick is final (no longer value could follow).
export interface KeyResult {
  value?: AnswerValue | null
  buffer: string
  final: boolean
  cursor?: number // multi: the option the highlight moves to
}

export function keyToAnswer(q: SurveyQuestion, key: string, current: AnswerValue | undefined, buffer: string, cursor = 0): KeyResult {
  const digit = /^[0-9]$/.test(key)
  const options = q.options ?? []
  if (key === 'Backspace' || key === 'Delete') return { value: null, buffer: '', final: false }
  switch (q.type) {
    case 'scale': {
      if (!digit) return { buffer: '', final: false }
      const min = q.scale_min ?? 0
      const max = q.scale_max ?? 0
      let buf = buffer + key
      if (Number(buf) > max || buf.length > String(max).length) buf = key
      const n = Number(buf)
      if (n < min || n > max) return { buffer: '', final: false }
      return { value: n, buffer: buf, final: n * 10 > max }
    }
    case 'yes_no': {
      const k = key.toLowerCase()
      if (k === 'y' || key === '1') return { value: true, buffer: '', final: true }
      if (k === 'n' || key === '2' || key === '0') return { value: false, buffer: '', final: true }
      return { buffer: '', final: false }
    }
    case 'single': {
      if (!digit) return { buffer: '', final: false }
      const i = Number(key) - 1
      if (i < 0 || i >= options.length) return { buffer: '', final: false }
      return { value: options[i].code, buffer: '', final: true, cursor: i }
    }
    case 'multi': {
      const chosen = Array.isArray(current) ? current : []
      if (digit) {
        const i = Number(key) - 1
        if (i < 0 || i >= options.length) return { buffer: '', final: false }
        return { buffer: '', final: false, cursor: i }
      }
      if (key === 'ArrowDown' || key === 'ArrowRight') return { buffer: '', final: false, cursor: Math.min(options.length - 1, cursor + 1) }
      if (key === 'ArrowUp' || key === 'ArrowLeft') return { buffer: '', final: false, cursor: Math.max(0, cursor - 1) }
      if (key === ' ' && options[cursor]) {
        const code = options[cursor].code
        const next = chosen.includes(code) ? chosen.filter((c) => c !== code) : [...chosen, code]
        // Keep the definition's option order.
        const ordered = options.map((o) => o.code).filter((c) => next.includes(c))
        return { value: ordered.length ? ordered : null, buffer: '', final: false, cursor }
      }
      return { buffer: '', final: false }
    }
  }
  return { buffer: '', final: false }
}

// Figures: indices with one decimal, percentages with two (half-up), "—" when missing.
function roundHalfUp(x: number, decimals: number): string {
  const f = 10 ** decimals
  return (Math.round((x + Number.EPSILON) * f) / f).toFixed(decimals)
}
export function fmtIndex(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : roundHalfUp(x, 1)
}
export function fmtPercent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${roundHalfUp(x, 2)}%`
}

// An empty question of a type, for the editor.
export function blankQuestion(code: string, type: SurveyQuestion['type'] = 'scale'): SurveyQuestion {
  return {
    code,
    section: '',
    text: '',
    type,
    scale_min: type === 'scale' ? 0 : 0,
    scale_max: type === 'scale' ? 10 : 0,
    options: type === 'single' || type === 'multi' ? [{ code: 'a', label: '', dissatisfied: false }, { code: 'b', label: '', dissatisfied: false }] : [],
    dimension: '',
    weight: 1,
    required: false,
    show_if: null,
    dissatisfied_at_or_below: null,
    dissatisfied_when: null,
    department: '',
    role: '',
  }
}

// The next free code "q<n>".
export function nextCode(questions: readonly { code: string }[], prefix = 'q'): string {
  const used = new Set(questions.map((q) => q.code))
  for (let n = questions.length + 1; ; n++) {
    const c = `${prefix}${String(n).padStart(2, '0')}`
    if (!used.has(c)) return c
  }
}

// Server field paths of a problem ("questions[2].text") → message, kept exact.
export function exactFieldErrors(errors: readonly { field: string; message: string }[] | undefined, strip = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of errors ?? []) {
    const f = strip && e.field.startsWith(strip) ? e.field.slice(strip.length) : e.field
    out[f] = out[f] ? `${out[f]}; ${e.message}` : e.message
  }
  return out
}
