import { describe, expect, it } from 'vitest'
import { customerPhone, isMasked, normalisePhone, repeatedPhones } from './phone'

// The cases of the server's own tests (modules/customers model tests) and then some.
describe('customer phones, normalised as the server does', () => {
  it('mobiles: 11 digits 1[3-9]…, however typed', () => {
    expect(normalisePhone('13812345678')).toBe('13812345678')
    expect(normalisePhone('+86 138-1234-5678')).toBe('13812345678')
    expect(normalisePhone('0086 13812345678')).toBe('13812345678')
    expect(normalisePhone('8613812345678')).toBe('13812345678')
    expect(normalisePhone('138.1234.5678')).toBe('13812345678')
    expect(normalisePhone('19912345678')).toBe('19912345678')
  })

  it('landlines: area code (3 digits for 010/02x, else 4) and a 7–8 digit number', () => {
    expect(normalisePhone('(021) 6123 4567')).toBe('021-61234567')
    expect(normalisePhone('021-61234567')).toBe('021-61234567')
    expect(normalisePhone('01062345678')).toBe('010-62345678')
    expect(normalisePhone('0571-8765432')).toBe('0571-8765432')
    expect(normalisePhone('075582345678')).toBe('0755-82345678')
    expect(normalisePhone('0086 021 6123 4567')).toBe('021-61234567')
  })

  it('refuses what cannot be called', () => {
    for (const bad of ['', '12345', '12812345678', '1381234567', '138123456789', '021-0123456', '021-1234567', '138-1234-567x', '13812345678 ext 2', '138****5678', '１３８１２３４５６７８', '1381234+5678', '01012345678', '+86 21 6123 4567'])
      expect(normalisePhone(bad), bad).toBeNull()
  })

  it('the form check: empty is left to the required rule', () => {
    expect(customerPhone('')).toBeNull()
    expect(customerPhone('  ')).toBeNull()
    expect(customerPhone('+86 138 1234 5678')).toBeNull()
    expect(customerPhone('12345')).toBe('validation.customerPhone')
  })

  it('finds the same number typed twice', () => {
    expect(repeatedPhones(['13812345678', '021-61234567', '+86 138 1234 5678'])).toEqual([2])
    expect(repeatedPhones(['13812345678', '', 'bad', '13912345678'])).toEqual([])
  })

  it('knows masked numbers', () => {
    expect(isMasked('138****5678')).toBe(true)
    expect(isMasked('13812345678')).toBe(false)
  })
})
