// Customer phone numbers, checked and normalised exactly as the server does
// (modules/customers/model.cpp normalise_phone): a mainland mobile (11 digits, 1[3-9]…) or a
// landline with its area code (010/02x: 3 digits, others 4; local part 7–8 digits not
// starting with 0 or 1), typed with spaces, dashes, dots, brackets, +86 or 0086.
import type { Check } from './validators'

const SEPARATORS = ' -().'

// "+86 138-1234-5678" → "13812345678", "(021) 6123 4567" → "021-61234567"; null when it is
// not a plausible Chinese number.
export function normalisePhone(raw: string): string | null {
  let digits = ''
  for (const c of raw) {
    if (c >= '0' && c <= '9') digits += c
    else if (c === '+' && digits === '') continue
    else if (SEPARATORS.includes(c)) continue
    else return null // letters, extensions, full-width digits: not a number we can call
  }
  if (digits.startsWith('0086')) digits = digits.slice(4)
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2)
  if (digits.length === 11 && digits[0] === '1' && digits[1] >= '3' && digits[1] <= '9') return digits
  if (digits.length >= 10 && digits.length <= 12 && digits[0] === '0') {
    const area = digits[1] === '1' || digits[1] === '2' ? 3 : 4
    const local = digits.slice(area)
    if (local.length >= 7 && local.length <= 8 && local[0] !== '0' && local[0] !== '1') return `${digits.slice(0, area)}-${local}`
  }
  return null
}

export const isMobile = (normalised: string) => /^1\d{10}$/.test(normalised)

// A masked number as the server sends it to callers without customer.pii: 138****5678.
export const isMasked = (n: string) => n.includes('*')

// Empty is "no number" (the row is then required by its own rule); otherwise it must normalise.
export const customerPhone: Check = (v) => {
  const s = typeof v === 'string' ? v.trim() : ''
  if (!s) return null
  return normalisePhone(s) ? null : 'validation.customerPhone'
}

// The numbers of one customer: the index of every number that repeats an earlier one
// (after normalisation), as the server reports `customer.phone_repeated`.
export function repeatedPhones(numbers: readonly string[]): number[] {
  const seen = new Set<string>()
  const out: number[] = []
  numbers.forEach((raw, i) => {
    const n = normalisePhone(raw.trim())
    if (!n) return
    if (seen.has(n)) out.push(i)
    else seen.add(n)
  })
  return out
}
