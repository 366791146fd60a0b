// Money: the API counts fen (分, integers); people read and type yuan (元) with two decimals.
// Integer arithmetic only, so 0.1 + 0.2 never shows up as 0.30000000000000004.

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

// 123450 → "1234.50" (for inputs: no grouping, no symbol).
export function fenToYuan(fen: number): string {
  if (!Number.isFinite(fen)) return ''
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

// 14982600 → "¥149,826.00"; null/undefined → "—".
export function formatMoney(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(fen))
  return `${sign}¥${group(String(Math.floor(abs / 100)))}.${String(abs % 100).padStart(2, '0')}`
}

// What a person typed in yuan → fen: "1234.5" → 123450, "¥1,234.56" → 123456, "12" → 1200.
// null when it is not a non-negative amount with at most two decimals (or is too large to
// be sent as a JSON integer exactly). Empty input is not an amount: null too.
export function yuanToFen(text: string): number | null {
  const s = text.trim().replace(/^[¥￥]\s*/, '').replace(/,(?=\d{3}(\D|$))/g, '')
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s)
  if (!m) return null
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(fen) ? fen : null
}
