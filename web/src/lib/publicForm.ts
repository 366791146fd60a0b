// The public complaint form and status page (no sign-in): the pure parts — phone numbers
// checked the way the server checks them (org::valid_phone), the answer to the human check,
// the follow link, and the three-step progress shown to the customer.
import type { Problem } from '@/api/types'
import { fieldErrorsOf } from '@/api/problem'

// The kinds a customer may file, in the order the form offers them (the server's enum of
// PublicTicketInput.kind).
export const PUBLIC_KINDS = ['complaint', 'repair', 'suggestion', 'praise', 'inquiry'] as const
export type PublicKind = (typeof PUBLIC_KINDS)[number]

// The form's fields, by the names the server reports errors under.
export const PUBLIC_FIELDS = ['kind', 'unit_id', 'name', 'phone', 'subject', 'description', 'answer'] as const
export type PublicField = (typeof PUBLIC_FIELDS)[number]

// Full-width digits and punctuation (typed with a Chinese input method) → ASCII.
export function halfWidth(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
}

// The server takes "13812345678" or "010-12345678" (area code 3–4 digits from 0, local
// part 7–8 digits), nothing else. Customers type "138 1234 5678", "+86 138-1234-5678",
// "(010) 1234 5678", "01012345678" or full-width digits: those are put in the server's
// form. null when it is not a mainland mobile or landline.
export function publicPhone(raw: string): string | null {
  let s = halfWidth(raw).trim().replace(/[\s.()]/g, '')
  if (!s) return null
  if (s.startsWith('+86')) s = s.slice(3)
  else if (s.startsWith('0086')) s = s.slice(4)
  s = s.replace(/^-+/, '')
  const digits = s.replace(/-/g, '')
  if (!/^\d+$/.test(digits)) return null
  if (/^1[3-9]\d{9}$/.test(digits)) return digits
  if (digits[0] !== '0') return null
  const dash = s.indexOf('-')
  if (dash > 0) {
    // "010-12345678", "0571-8888-6666": the area code is what comes before the first dash.
    const area = s.slice(0, dash)
    const local = s.slice(dash + 1).replace(/-/g, '')
    return /^0\d{2,3}$/.test(area) && /^\d{7,8}$/.test(local) ? `${area}-${local}` : null
  }
  // No dash: 010 and 02x are three-digit area codes, the others four.
  const area = digits[1] === '1' || digits[1] === '2' ? 3 : 4
  const local = digits.slice(area)
  return local.length >= 7 && local.length <= 8 ? `${digits.slice(0, area)}-${local}` : null
}

// The answer to the arithmetic check as the server compares it: digits only. Full-width
// digits and spaces are forgiven; anything else gives '' (not an answer).
export function normaliseAnswer(raw: string): string {
  const s = halfWidth(raw).replace(/\s+/g, '')
  return /^\d{1,10}$/.test(s) ? s.replace(/^0+(?=\d)/, '') : ''
}

// The follow link as an absolute URL to show, copy and open: the server sends a path
// ("/public/tickets/BX-2026-000123?t=…").
export function followLink(origin: string, followUrl: string): string {
  return new URL(followUrl, origin.endsWith('/') ? origin : `${origin}/`).href
}

// The three steps a customer sees: received (state new) → being handled (any other
// state) → closed.
export type PublicStage = 0 | 1 | 2
export function publicStage(state: string | undefined): PublicStage {
  if (state === 'closed') return 2
  if (!state || state === 'new') return 0
  return 1
}

// Field errors of a failed submission, on the form's fields: `challenge_id` is the human
// check's too. `rest` is what the form cannot place (shown in an alert).
export function publicFieldErrors(problem: Problem | null | undefined): { fields: Partial<Record<PublicField, string>>; rest: string[] } {
  const mapped = fieldErrorsOf(problem, { challenge_id: 'answer' })
  const fields: Partial<Record<PublicField, string>> = {}
  const rest: string[] = []
  for (const [k, v] of Object.entries(mapped)) {
    if ((PUBLIC_FIELDS as readonly string[]).includes(k)) fields[k as PublicField] = v
    else rest.push(v)
  }
  return { fields, rest }
}

// Does this failure spend or refuse the human check (a new question is then needed)?
export function needsNewChallenge(problem: Problem | null | undefined): boolean {
  return (problem?.errors ?? []).some((e) => e.field === 'answer' || e.field === 'challenge_id')
}

// Client-side checks of the form (each gives the i18n key of its message, or null).
export const checkPhone = (v: unknown): string | null => {
  const s = typeof v === 'string' ? v.trim() : ''
  if (!s) return 'public.form.phoneRequired'
  return publicPhone(s) ? null : 'public.form.phoneInvalid'
}
export const checkAnswer = (v: unknown): string | null => {
  const s = typeof v === 'string' ? v.trim() : ''
  if (!s) return 'public.form.answerRequired'
  return normaliseAnswer(s) ? null : 'public.form.answerNumber'
}
