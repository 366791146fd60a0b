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

// "YYYY-MM-DD", a real calendar date in 1900–2100 (customers::valid_date). Empty is allowed.
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1) return false
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= days[mo - 1]
}
export const calendarDate: Check = (v) => {
  const s = str(v).trim()
  return !s || isCalendarDate(s) ? null : 'validation.date'
}

// "HH:MM", 00:00–23:59 (customers::valid_clock_time). Empty is allowed.
export const CLOCK_RE = /^([01]\d|2[0-3]):[0-5]\d$/
export const clockTime: Check = (v) => {
  const s = str(v).trim()
  return !s || CLOCK_RE.test(s) ? null : 'validation.clockTime'
}

// Letters, digits, - and _ (asset type codes and field keys, like org codes).
export const fieldKey: Check = (v) => (CODE_RE.test(str(v)) ? null : 'validation.fieldKey')

// A customer tag: 1–60 bytes of UTF-8, as the server checks them (20 Chinese characters).
export const TAG_MAX_BYTES = 60
export const tagList: Check = (v) => {
  const list = Array.isArray(v) ? (v as unknown[]).map(str) : []
  return list.every((t) => t.trim() && new TextEncoder().encode(t.trim()).length <= TAG_MAX_BYTES) ? null : 'validation.tag'
}
