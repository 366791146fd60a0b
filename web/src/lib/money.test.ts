import { describe, expect, it } from 'vitest'
import { fenToYuan, formatMoney, yuanToFen } from './money'

describe('money: fen ↔ yuan', () => {
  it('shows fen as ¥ with two decimals and thousands grouped', () => {
    expect(formatMoney(14982600)).toBe('¥149,826.00')
    expect(formatMoney(63899)).toBe('¥638.99')
    expect(formatMoney(5)).toBe('¥0.05')
    expect(formatMoney(0)).toBe('¥0.00')
    expect(formatMoney(123456789012)).toBe('¥1,234,567,890.12')
    expect(formatMoney(-150)).toBe('-¥1.50')
    expect(formatMoney(null)).toBe('—')
    expect(formatMoney(undefined)).toBe('—')
  })

  it('gives inputs plain yuan', () => {
    expect(fenToYuan(123450)).toBe('1234.50')
    expect(fenToYuan(7)).toBe('0.07')
    expect(fenToYuan(100)).toBe('1.00')
  })

  it('reads typed yuan exactly, without floating-point drift', () => {
    expect(yuanToFen('1234.5')).toBe(123450)
    expect(yuanToFen('0.1')).toBe(10)
    expect(yuanToFen('0.29')).toBe(29) // 0.29 * 100 = 28.999999999999996 in floating point
    expect(yuanToFen('19.99')).toBe(1999)
    expect(yuanToFen('12')).toBe(1200)
    expect(yuanToFen('12.')).toBe(1200)
    expect(yuanToFen(' ¥1,234.56 ')).toBe(123456)
    expect(yuanToFen('￥8')).toBe(800)
    expect(yuanToFen('0')).toBe(0)
  })

  it('refuses what is not an amount', () => {
    for (const bad of ['', ' ', 'abc', '1.234', '-1', '1e3', '1,23', '.5', '１２', '1 000'])
      expect(yuanToFen(bad), bad).toBeNull()
    expect(yuanToFen('99999999999999999999')).toBeNull() // not exact as a JSON number
  })

  it('round-trips', () => {
    for (const fen of [0, 1, 99, 100, 101, 63899, 14982600]) expect(yuanToFen(fenToYuan(fen))).toBe(fen)
  })
})
