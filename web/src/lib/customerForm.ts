// The customer form (create and edit): its model, the body of POST and the changes of
// PATCH, and server problems mapped onto the form's fields (phones by their row).
import type { Customer, CustomerKind, CustomerPatch, CustomerSource, Gender, NewCustomer, PhoneInput, Problem } from '@/api/types'
import { fieldErrorsByPath, problemExtra } from '@/api/problem'
import { isMasked, normalisePhone } from './phone'

export interface PhoneRow {
  number: string
  label: string
}

export interface CustomerForm {
  kind: CustomerKind
  name: string
  unit_id: number | null
  owner_id: number | null
  gender: Gender
  birthday: string
  email: string
  address: string
  source: CustomerSource
  tags: string[]
  may_call: boolean
  may_text: boolean
  may_email: boolean
  quiet_start: string
  quiet_end: string
  notes: string
  phones: PhoneRow[]
  primary: number // index of the primary number in `phones`
}

export const PHONE_LABELS = ['mobile', 'home', 'work', 'other'] as const

export function emptyForm(unitId: number | null = null, ownerId: number | null = null): CustomerForm {
  return {
    kind: 'person',
    name: '',
    unit_id: unitId,
    owner_id: ownerId,
    gender: 'unknown',
    birthday: '',
    email: '',
    address: '',
    source: 'other',
    tags: [],
    may_call: true,
    may_text: true,
    may_email: true,
    quiet_start: '',
    quiet_end: '',
    notes: '',
    phones: [{ number: '', label: 'mobile' }],
    primary: 0,
  }
}

export function formOf(c: Customer): CustomerForm {
  const primary = Math.max(0, c.phones.findIndex((p) => p.primary))
  return {
    kind: c.kind,
    name: c.name,
    unit_id: c.unit_id,
    owner_id: c.owner_id ?? null,
    gender: c.gender,
    birthday: c.birthday,
    email: c.email,
    address: c.address,
    source: c.source,
    tags: [...c.tags],
    may_call: c.may_call,
    may_text: c.may_text,
    may_email: c.may_email ?? true,
    quiet_start: c.quiet_start,
    quiet_end: c.quiet_end,
    notes: c.notes,
    phones: c.phones.map((p) => ({ number: p.number, label: p.label })),
    primary,
  }
}

// The numbers as the API takes them: normalised where possible (the server normalises
// too), the primary one marked.
export function phonesOf(form: CustomerForm): PhoneInput[] {
  return form.phones.map((p, i) => ({ number: normalisePhone(p.number.trim()) ?? p.number.trim(), label: p.label.trim(), primary: i === form.primary }))
}

const trimmedTags = (tags: readonly string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))]

// Fields that only persons have: organisations send none.
function personal(form: CustomerForm): { gender: Gender; birthday: string } {
  return form.kind === 'person' ? { gender: form.gender, birthday: form.birthday.trim() } : { gender: 'unknown', birthday: '' }
}

export function newCustomerBody(form: CustomerForm): NewCustomer {
  return {
    kind: form.kind,
    name: form.name.trim(),
    unit_id: form.unit_id ?? 0,
    owner_id: form.owner_id,
    ...personal(form),
    email: form.email.trim(),
    address: form.address.trim(),
    source: form.source,
    tags: trimmedTags(form.tags),
    may_call: form.may_call,
    may_text: form.may_text,
    may_email: form.may_email,
    quiet_start: form.quiet_start.trim(),
    quiet_end: form.quiet_end.trim(),
    notes: form.notes.trim(),
    phones: phonesOf(form),
  }
}

// Only what changed. Masked numbers cannot be sent back: the phones of a customer whose
// numbers this caller sees masked are never part of a change.
export function customerPatch(form: CustomerForm, c: Customer): CustomerPatch {
  const body: CustomerPatch = {}
  const next = newCustomerBody(form)
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  if (next.kind !== c.kind) body.kind = next.kind
  if (next.name !== c.name) body.name = next.name
  if (next.unit_id !== c.unit_id && form.unit_id != null) body.unit_id = next.unit_id
  if ((next.owner_id ?? null) !== (c.owner_id ?? null)) body.owner_id = next.owner_id ?? null
  if (next.gender !== c.gender) body.gender = next.gender
  if (next.birthday !== c.birthday) body.birthday = next.birthday
  if (next.email !== c.email) body.email = next.email
  if (next.address !== c.address) body.address = next.address
  if (next.source !== c.source) body.source = next.source
  if (!same(next.tags, c.tags)) body.tags = next.tags
  if (next.may_call !== c.may_call) body.may_call = next.may_call
  if (next.may_text !== c.may_text) body.may_text = next.may_text
  if (next.may_email !== c.may_email) body.may_email = next.may_email
  if (next.quiet_start !== c.quiet_start || next.quiet_end !== c.quiet_end) {
    body.quiet_start = next.quiet_start
    body.quiet_end = next.quiet_end
  }
  if (next.notes !== c.notes) body.notes = next.notes
  if (!phonesLocked(c)) {
    const before = c.phones.map((p) => ({ number: p.number, label: p.label, primary: p.primary }))
    if (!same(next.phones, before)) body.phones = next.phones
  }
  return body
}

export const phonesLocked = (c: Customer) => c.phones_masked || c.phones.some((p) => isMasked(p.number))

// Quiet hours come in pairs: both ends or neither (customer.quiet_pair on quiet_end).
export function quietPairProblem(form: Pick<CustomerForm, 'quiet_start' | 'quiet_end'>): string | null {
  return !!form.quiet_start.trim() !== !!form.quiet_end.trim() ? 'validation.quietPair' : null
}

// Server problems → form paths: "phones.1.number", "tags", "name" …; a number that belongs
// to another customer (409, no field) goes on the number's row when there is one number,
// on the list otherwise.
export function customerErrors(problem: Problem | null | undefined, phoneCount: number): Record<string, string> {
  if (!problem) return {}
  const out: Record<string, string> = {}
  const put = (k: string, m: string) => (out[k] = out[k] ? `${out[k]}; ${m}` : m)
  for (const [path, message] of Object.entries(fieldErrorsByPath(problem))) {
    const row = /^phones\.(\d+)(?:\.\w+)?$/.exec(path)
    if (row) put(`phones.${row[1]}.number`, message)
    else if (/^tags\.\d+$/.test(path)) put('tags', message)
    else put(path, message)
  }
  if (problem.code === 'customer.phone_taken') put(phoneCount === 1 ? 'phones.0.number' : 'phones', problem.detail)
  if (problem.code === 'customer.assign_forbidden') put('owner_id', problem.detail)
  return out
}

// The customer that already has the number (customer.phone_taken), when the caller may see it.
export function existingCustomerId(problem: Problem | null | undefined): number | null {
  const v = Number(problemExtra(problem, 'existing_id'))
  return Number.isInteger(v) && v > 0 ? v : null
}
