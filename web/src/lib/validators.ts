// Client-side checks that mirror the server's (modules/org): each returns null when the
// value is fine, or the i18n key of the message to show.
import type { UnitKind } from '@/api/types'

export const USERNAME_RE = /^[A-Za-z0-9._-]{2,32}$/
export const CODE_RE = /^[A-Za-z0-9_-]{1,32}$/
export const MOBILE_RE = /^1[3-9]\d{9}$/
export const LANDLINE_RE = /^0\d{2,3}-\d{7,8}$/
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export type Check = (value: unknown) => string | null

const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v))

export const required: Check = (v) => {
  if (Array.isArray(v)) return v.length ? null : 'validation.required'
  if (typeof v === 'number') return null
  return str(v).trim() ? null : 'validation.required'
}

export const username: Check = (v) => (USERNAME_RE.test(str(v)) ? null : 'validation.username')

export const password: Check = (v) => {
  const s = str(v)
  if (s.length < 8 || s.length > 128) return 'validation.password'
  return /[A-Za-z]/.test(s) && /\d/.test(s) ? null : 'validation.password'
}

// Empty is allowed (no phone); otherwise a mainland mobile or a landline with area code.
export const phone: Check = (v) => {
  const s = str(v).trim()
  if (!s) return null
  return MOBILE_RE.test(s) || LANDLINE_RE.test(s) ? null : 'validation.phone'
}

export const email: Check = (v) => {
  const s = str(v).trim()
  if (!s) return null
  return s.length <= 254 && EMAIL_RE.test(s) ? null : 'validation.email'
}

export const unitCode: Check = (v) => (CODE_RE.test(str(v).trim()) ? null : 'validation.code')

export const maxLength =
  (max: number): Check =>
  (v) =>
    [...str(v)].length <= max ? null : 'validation.tooLong'

// Mirrors org::may_hang_under: head office is the root; regions under it; branches under
// head office or a region; stores under a branch or region; departments anywhere but
// under a store.
export function mayHangUnder(child: UnitKind, parent: UnitKind): boolean {
  switch (child) {
    case 'head_office':
      return false
    case 'region':
      return parent === 'head_office'
    case 'branch':
      return parent === 'head_office' || parent === 'region'
    case 'store':
      return parent === 'branch' || parent === 'region'
    case 'department':
      return parent !== 'store'
  }
  return false
}

export function childKinds(parent: UnitKind): UnitKind[] {
  return (['region', 'branch', 'store', 'department'] as UnitKind[]).filter((k) => mayHangUnder(k, parent))
}
