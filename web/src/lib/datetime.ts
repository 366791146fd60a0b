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
