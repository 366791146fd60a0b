// Working hours as people type them: "09:00-12:00, 13:00-18:00" per weekday, to and from
// the API's WeekHours. The server checks order and overlaps; this only reads the text.
import type { WeekHours } from '@/api/types'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]
export type HoursText = Record<Weekday, string>

export function hoursText(h: WeekHours | undefined): HoursText {
  const out = {} as HoursText
  for (const d of WEEKDAYS) out[d] = (h?.[d] ?? []).map((p) => `${p.start}-${p.end}`).join(', ')
  return out
}

const PERIOD = /^(\d{2}:\d{2})\s*[-–~]\s*(\d{2}:\d{2})$/

// The periods of each weekday, or the weekdays whose text cannot be read.
export function parseHours(text: HoursText): { hours: WeekHours; bad: Weekday[] } {
  const hours: WeekHours = {}
  const bad: Weekday[] = []
  for (const d of WEEKDAYS) {
    const parts = text[d]
      .split(/[,，;；\s]+(?=\d)/)
      .map((s) => s.trim())
      .filter(Boolean)
    const periods = parts.map((p) => PERIOD.exec(p))
    if (periods.some((m) => !m)) {
      bad.push(d)
      continue
    }
    hours[d] = periods.map((m) => ({ start: m![1], end: m![2] }))
  }
  return { hours, bad }
}

// "hours.mon[1]" / "hours.mon.1.start" → "mon"; other fields → undefined.
export function weekdayOfField(field: string): Weekday | undefined {
  const m = /^hours\.([a-z]+)/.exec(field)
  return m && (WEEKDAYS as readonly string[]).includes(m[1]) ? (m[1] as Weekday) : undefined
}
