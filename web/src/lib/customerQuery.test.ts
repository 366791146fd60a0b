import { describe, expect, it } from 'vitest'
import { apiQuery, emptyFilters, exportUrl, filterBody, filtersFromQuery, queryOfFilters } from './customerQuery'
import { byteLength, clipBytes } from './text'

describe('customer list filters in the address', () => {
  it('reads what it knows and drops the rest', () => {
    expect(filtersFromQuery({ q: '漏水', unit_id: '9', owner_id: 'x', kind: 'alien', source: 'hotline', incomplete: 'true' })).toEqual({
      ...emptyFilters(),
      q: '漏水',
      unit_id: 9,
      source: 'hotline',
      incomplete: true,
    })
    expect(filtersFromQuery({ q: ['a', 'b'] }).q).toBe('a')
  })

  it('writes only what is set, and round-trips', () => {
    expect(queryOfFilters(emptyFilters())).toEqual({})
    const f = { ...emptyFilters(), q: ' 沪A12345 ', owner_id: 4, kind: 'organisation' as const, tag: 'VIP', incomplete: true }
    const q = queryOfFilters(f)
    expect(q).toEqual({ q: '沪A12345', owner_id: '4', kind: 'organisation', tag: 'VIP', incomplete: 'true' })
    expect(filtersFromQuery(q as Record<string, string>)).toEqual({ ...f, q: '沪A12345' })
  })

  it('asks the API with bytes as it counts them', () => {
    const long = '漏'.repeat(40) // 120 bytes
    const query = apiQuery({ ...emptyFilters(), q: long }, 20, '300')
    expect(byteLength(query.q!)).toBe(99)
    expect(query).toMatchObject({ limit: 20, after: '300' })
    expect(apiQuery(emptyFilters(), 20, null)).toEqual({ limit: 20, after: undefined, q: undefined, unit_id: undefined, owner_id: undefined, kind: undefined, source: undefined, tag: undefined, incomplete: undefined })
    expect(clipBytes('ab漏水', 4)).toBe('ab')
    expect(clipBytes('abc', 10)).toBe('abc')
  })
})

describe('export and bulk assignment take the list filters', () => {
  it('builds the export address and the assignment filter without paging', () => {
    const f = { ...emptyFilters(), q: '漏水', unit_id: 9, incomplete: true }
    expect(exportUrl(f, 'xlsx')).toBe('/api/v1/customers/export?format=xlsx&q=%E6%BC%8F%E6%B0%B4&unit_id=9&incomplete=true')
    expect(exportUrl(emptyFilters(), 'csv')).toBe('/api/v1/customers/export?format=csv')
    expect(filterBody(f)).toEqual({ q: '漏水', unit_id: 9, incomplete: true })
    expect(filterBody(emptyFilters())).toEqual({})
  })
})
