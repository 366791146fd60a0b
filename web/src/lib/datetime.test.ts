import { describe, expect, it } from 'vitest'
import { companyMonth, companyTimeToEpoch, epochToCompanyTime, formatDate, formatTime, isMonth } from './datetime'

describe('times in Asia/Shanghai', () => {
  it('formats UTC epoch milliseconds as YYYY-MM-DD HH:mm in Shanghai', () => {
    expect(formatTime(Date.UTC(2026, 0, 1, 0, 0))).toBe('2026-01-01 08:00')
    expect(formatTime(Date.UTC(2025, 11, 31, 16, 30))).toBe('2026-01-01 00:30') // new year in Shanghai first
    expect(formatTime(Date.UTC(2026, 6, 15, 23, 59, 59))).toBe('2026-07-16 07:59')
  })
  it('does not depend on the machine time zone', () => {
    expect(formatTime(0)).toBe('1970-01-01 08:00')
    expect(formatTime(0, 'UTC')).toBe('1970-01-01 00:00')
  })
  it('shows a dash for no time', () => {
    expect(formatTime(null)).toBe('—')
    expect(formatTime(undefined)).toBe('—')
    expect(formatTime(Number.NaN)).toBe('—')
  })

  it('typed company times are Shanghai wall-clock times, whatever the browser zone', () => {
    expect(companyTimeToEpoch('2026-01-01 08:00')).toBe(Date.UTC(2026, 0, 1, 0, 0))
    expect(companyTimeToEpoch('2026-01-01 00:30')).toBe(Date.UTC(2025, 11, 31, 16, 30))
    expect(companyTimeToEpoch('2026-02-30 10:00')).toBeNull()
    expect(companyTimeToEpoch('2026-01-01 24:00')).toBeNull()
    expect(companyTimeToEpoch('yesterday')).toBeNull()
    expect(epochToCompanyTime(Date.UTC(2025, 11, 31, 16, 30))).toBe('2026-01-01 00:30')
    expect(formatDate(Date.UTC(2025, 11, 31, 16, 30))).toBe('2026-01-01')
    const now = Date.UTC(2026, 10, 25, 11, 7)
    expect(companyTimeToEpoch(epochToCompanyTime(now))).toBe(now)
  })
  it('the month of an instant is the Shanghai month (a month starts 8 hours earlier in UTC)', () => {
    expect(companyMonth(Date.UTC(2026, 10, 30, 15, 59))).toBe('2026-11')
    expect(companyMonth(Date.UTC(2026, 10, 30, 16, 0))).toBe('2026-12') // 1 December 00:00 in Shanghai
    expect(companyMonth(Date.UTC(2025, 11, 31, 16, 30))).toBe('2026-01')
    expect(companyMonth(Date.UTC(2025, 11, 31, 16, 30), 'UTC')).toBe('2025-12')
    expect(isMonth('2026-11')).toBe(true)
    expect(isMonth('2026-1')).toBe(false)
    expect(isMonth('2026-13')).toBe(false)
    expect(isMonth('2026-00')).toBe(false)
    expect(isMonth(['2026-11'])).toBe(false)
    expect(isMonth(undefined)).toBe(false)
  })
})
