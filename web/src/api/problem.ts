// Errors from the API: application/problem+json (RFC 9457) turned into an ApiError, and
// per-field messages mapped onto the names of the console's form fields.
import type { Problem } from './types'

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem | null

  constructor(status: number, problem: Problem | null, message?: string) {
    super(message ?? problem?.detail ?? `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
  }

  get code(): string {
    return this.problem?.code ?? (this.status === 0 ? 'network' : `http.${this.status}`)
  }
}

export function isProblem(body: unknown): body is Problem {
  if (!body || typeof body !== 'object') return false
  const b = body as Record<string, unknown>
  return typeof b.code === 'string' && typeof b.status === 'number'
}

// Conflicts that the server reports without a field list but that belong to one field.
const CONFLICT_FIELDS: Record<string, string> = {
  'org.code_taken': 'code',
  'org.username_taken': 'username',
}

// "roles[1]" → "roles", "address.city" stays as it is.
export function formField(serverField: string): string {
  return serverField.replace(/\[\d+\]/g, '')
}

// Maps a problem onto form fields: { field: message }. Several messages for one field
// (e.g. roles[0] and roles[2]) are joined with "; ". `aliases` renames server fields to
// form fields where they differ.
export function fieldErrorsOf(problem: Problem | null | undefined, aliases: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {}
  if (!problem) return out
  for (const e of problem.errors ?? []) {
    const f = formField(e.field)
    const key = aliases[f] ?? f
    out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message
  }
  const conflict = CONFLICT_FIELDS[problem.code]
  if (conflict && !out[aliases[conflict] ?? conflict]) out[aliases[conflict] ?? conflict] = problem.detail
  return out
}

// The fields of `errors` that the form does not show: their messages must be shown
// elsewhere (e.g. in an alert), or they would be lost.
export function unplacedErrors(errors: Record<string, string>, formFields: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(([field]) => !formFields.includes(field))
    .map(([field, message]) => `${field}: ${message}`)
}

// Maps a problem's field errors by path, keeping list positions the way form-item props
// name them: "phones[1].number" → "phones.1.number", "fields[0].key" → "fields.0.key".
// Several messages for one path are joined with "; ".
export function fieldErrorsByPath(problem: Problem | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of problem?.errors ?? []) {
    const path = e.field.replace(/\[(\d+)\]/g, '.$1')
    out[path] = out[path] ? `${out[path]}; ${e.message}` : e.message
  }
  return out
}

// A member that some problems add beside the standard ones (e.g. `existing_id` of
// customer.phone_taken).
export function problemExtra(problem: Problem | null | undefined, name: string): unknown {
  return problem ? (problem as unknown as Record<string, unknown>)[name] : undefined
}
