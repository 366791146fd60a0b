// Lengths as the server counts them where it counts UTF-8 bytes (query parameters, asset
// text values, tags): a Chinese character is 3 bytes.
const utf8 = new TextEncoder()

export const byteLength = (s: string): number => utf8.encode(s).length

// The longest prefix of `s` of at most `max` bytes, never cutting a character in two.
export function clipBytes(s: string, max: number): string {
  if (byteLength(s) <= max) return s
  let out = ''
  let n = 0
  for (const ch of s) {
    const b = byteLength(ch)
    if (n + b > max) break
    out += ch
    n += b
  }
  return out
}
