import { describe, expect, it } from 'vitest'
import { columnName, crc32, sheetXml, xlsxBytes } from './xlsx'

describe('xlsx writer', () => {
  it('crc32 and column names', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect(columnName(0)).toBe('A')
    expect(columnName(25)).toBe('Z')
    expect(columnName(26)).toBe('AA')
  })
  it('cells: numbers as numbers, text escaped, blanks left out', () => {
    const x = sheetXml([['回访率', 97.5, null, 'a<b&c']])
    expect(x).toContain('<c r="B1"><v>97.5</v></c>')
    expect(x).toContain('回访率')
    expect(x).toContain('a&lt;b&amp;c')
    expect(x).not.toContain('C1')
  })
  it('a zip with the five parts, ending in the end-of-directory record', () => {
    const b = xlsxBytes('回访统计', [['a', 1]])
    expect([...b.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04])
    const dv = new DataView(b.buffer, b.byteOffset + b.length - 22, 22)
    expect(dv.getUint32(0, true)).toBe(0x06054b50)
    expect(dv.getUint16(10, true)).toBe(5)
    const text = new TextDecoder().decode(b)
    for (const n of ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml']) expect(text).toContain(n)
  })
})
