// Times from the API are UTC epoch milliseconds; the console shows them in the company's
// time zone (Asia/Shanghai) as YYYY-MM-DD HH:mm.
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import timezone from 'dayjs/plugin/timezone'

dayjs.extend(utc)
dayjs.extend(timezone)

export const COMPANY_TZ = 'Asia/Shanghai'

export function formatTime(ms: number | null | undefined, tz: string = COMPANY_TZ): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  return dayjs(ms).tz(tz).format('YYYY-MM-DD HH:mm')
}

// The calendar day of an instant in the company's time zone: YYYY-MM-DD.
export function formatDate(ms: number | null | undefined, tz: string = COMPANY_TZ): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  return dayjs(ms).tz(tz).format('YYYY-MM-DD')
}

// A wall-clock time typed in the company's time zone ("2026-03-01 09:30") → UTC epoch ms,
// whatever the browser's own zone is; null when it is not such a time.
export function companyTimeToEpoch(text: string, tz: string = COMPANY_TZ): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim())
  if (!m) return null
  const t = dayjs.tz(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}`, tz)
  if (!t.isValid() || t.tz(tz).format('YYYY-MM-DD HH:mm') !== `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}`) return null
  return t.valueOf()
}

// UTC epoch ms → "YYYY-MM-DD HH:mm" in the company's time zone, for date-time inputs.
export function epochToCompanyTime(ms: number, tz: string = COMPANY_TZ): string {
  return dayjs(ms).tz(tz).format('YYYY-MM-DD HH:mm')
}

// The month of an instant in the company's time zone: YYYY-MM (e.g. the month a penalty
// or reward is booked in).
export function companyMonth(ms: number, tz: string = COMPANY_TZ): string {
  return dayjs(ms).tz(tz).format('YYYY-MM')
}

// "2026-11" is a month; "2026-13", "2026-1" and anything else are not.
export function isMonth(text: unknown): text is string {
  return typeof text === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(text)
}
