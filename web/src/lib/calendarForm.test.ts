import { describe, expect, it } from 'vitest'
import { hoursText, parseHours, weekdayOfField } from './calendarForm'

describe('working hours text', () => {
  it('round-trips the API shape', () => {
    const h = { mon: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }], sat: [] }
    const text = hoursText(h)
    expect(text.mon).toBe('09:00-12:00, 13:00-18:00')
    expect(text.sun).toBe('')
    const back = parseHours(text)
    expect(back.bad).toEqual([])
    expect(back.hours.mon).toEqual(h.mon)
    expect(back.hours.sun).toEqual([])
  })
  it('accepts Chinese punctuation and reports unreadable days', () => {
    const text = { ...hoursText({}), tue: '09:00～12:00，13:00-18:00', wed: '9-18' }
    const r = parseHours(text)
    expect(r.bad).toEqual(['tue', 'wed'])
    const ok = parseHours({ ...hoursText({}), tue: '09:00–12:00，13:00-18:00' })
    expect(ok.hours.tue).toEqual([{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }])
  })
  it('places server errors on their weekday', () => {
    expect(weekdayOfField('hours.mon[1]')).toBe('mon')
    expect(weekdayOfField('hours.sun.0.start')).toBe('sun')
    expect(weekdayOfField('hours')).toBeUndefined()
    expect(weekdayOfField('name')).toBeUndefined()
  })
})
