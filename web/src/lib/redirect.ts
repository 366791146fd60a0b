// Where to go after signing in: only paths of this console, never another site.
export function safeRedirect(value: unknown, fallback = '/'): string {
  const v = Array.isArray(value) ? value[0] : value
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return fallback
  if (v.startsWith('/login')) return fallback
  return v
}
