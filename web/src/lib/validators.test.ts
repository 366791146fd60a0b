import { describe, expect, it } from 'vitest'
import { calendarDate, childKinds, clockTime, email, fieldKey, isCalendarDate, mayHangUnder, maxLength, password, phone, required, tagList, unitCode, username } from './validators'

describe('validators mirror the server', () => {
  it('required', () => {
    expect(required('')).toBe('validation.required')
    expect(required('   ')).toBe('validation.required')
    expect(required(null)).toBe('validation.required')
    expect(required([])).toBe('validation.required')
    expect(required(['agent'])).toBeNull()
    expect(required(0)).toBeNull()
    expect(required('x')).toBeNull()
  })

  it('username: 2–32 of [A-Za-z0-9._-]', () => {
    for (const ok of ['ab', 'agent.zhang', 'a_b-c.d', 'x'.repeat(32), 'Z9']) expect(username(ok)).toBeNull()
    for (const bad of ['a', 'x'.repeat(33), '张三', 'a b', 'a@b', '']) expect(username(bad)).toBe('validation.username')
  })

  it('password: at least 8 with letters and digits', () => {
    expect(password('kefu2026')).toBeNull()
    expect(password('Abcdefg1')).toBeNull()
    expect(password('kefu202')).toBe('validation.password') // 7
    expect(password('abcdefgh')).toBe('validation.password') // no digit
    expect(password('12345678')).toBe('validation.password') // no letter
    expect(password('a1'.repeat(65))).toBe('validation.password') // 130 > 128
  })

  it('phone: empty, mainland mobile or landline with area code', () => {
    for (const ok of ['', '13800138000', '19912345678', '010-12345678', '0755-1234567', '0571-87654321'])
      expect(phone(ok)).toBeNull()
    for (const bad of ['12800138000', '1380013800', '138001380001', '10-12345678', '010-123456', '010 12345678', '138****5678'])
      expect(phone(bad)).toBe('validation.phone')
  })

  it('email: empty or plausible address', () => {
    expect(email('')).toBeNull()
    expect(email('zhang@example.com')).toBeNull()
    expect(email('zhang@')).toBe('validation.email')
    expect(email('no spaces@x.cn')).toBe('validation.email')
  })

  it('unit code: [A-Za-z0-9_-]{1,32}', () => {
    expect(unitCode('SH-01')).toBeNull()
    expect(unitCode('a_b')).toBeNull()
    expect(unitCode(' SH ')).toBeNull() // the server trims surrounding spaces
    expect(unitCode('')).toBe('validation.code')
    expect(unitCode('上海')).toBe('validation.code')
    expect(unitCode('a.b')).toBe('validation.code')
    expect(unitCode('x'.repeat(33))).toBe('validation.code')
  })

  it('maxLength counts characters, not UTF-16 units', () => {
    expect(maxLength(2)('上海')).toBeNull()
    expect(maxLength(2)('上海市')).toBe('validation.tooLong')
  })

  it('unit kinds follow org::may_hang_under', () => {
    expect(mayHangUnder('region', 'head_office')).toBe(true)
    expect(mayHangUnder('region', 'region')).toBe(false)
    expect(mayHangUnder('branch', 'region')).toBe(true)
    expect(mayHangUnder('store', 'branch')).toBe(true)
    expect(mayHangUnder('store', 'head_office')).toBe(false)
    expect(mayHangUnder('department', 'department')).toBe(true)
    expect(mayHangUnder('department', 'store')).toBe(false)
    expect(mayHangUnder('head_office', 'head_office')).toBe(false)
    expect(childKinds('head_office')).toEqual(['region', 'branch', 'department'])
    expect(childKinds('region')).toEqual(['branch', 'store', 'department'])
    expect(childKinds('branch')).toEqual(['store', 'department'])
    expect(childKinds('store')).toEqual([])
  })

  it('dates: real calendar days in 1900–2100 (customers::valid_date)', () => {
    for (const ok of ['2024-02-29', '1900-01-01', '2100-12-31', '1989-02-21']) expect(isCalendarDate(ok), ok).toBe(true)
    for (const bad of ['2025-02-29', '2025-02-30', '2025-13-01', '2025-00-10', '1899-12-31', '2101-01-01', '2025-1-1', '20250101', '2025/01/01'])
      expect(isCalendarDate(bad), bad).toBe(false)
    expect(calendarDate('')).toBeNull()
    expect(calendarDate('2025-02-30')).toBe('validation.date')
  })

  it('clock times HH:MM 00:00–23:59 (customers::valid_clock_time)', () => {
    for (const ok of ['', '00:00', '08:30', '23:59']) expect(clockTime(ok), ok).toBeNull()
    for (const bad of ['24:00', '8:30', '08:60', '0830', '08:30:00']) expect(clockTime(bad), bad).toBe('validation.clockTime')
  })

  it('tags: 1–60 bytes each; field keys like codes', () => {
    expect(tagList(['VIP', '老客户'])).toBeNull()
    expect(tagList([])).toBeNull()
    expect(tagList(['好'.repeat(20)])).toBeNull()
    expect(tagList(['好'.repeat(21)])).toBe('validation.tag') // 63 bytes
    expect(tagList([' '])).toBe('validation.tag')
    expect(fieldKey('plate')).toBeNull()
    expect(fieldKey('车牌')).toBe('validation.fieldKey')
  })
})
