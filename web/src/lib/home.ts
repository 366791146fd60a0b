// The home page's "my work" cards: which ones a person sees (by permission), where each
// leads, and how a capped count reads.

export type WorkKey = 'mine' | 'unit' | 'unassigned' | 'due_soon' | 'breached' | 'callbacks'
export type WorkCounts = Partial<Record<WorkKey, number>>

export interface WorkCard {
  key: WorkKey
  count: number
  to: string
  tone: '' | 'warning' | 'danger' | 'zero'
}

const TICKET_CARDS: { key: Exclude<WorkKey, 'callbacks'>; perm: string; tone?: 'warning' | 'danger' }[] = [
  { key: 'mine', perm: 'ticket.read' },
  { key: 'unit', perm: 'ticket.handle' },
  { key: 'unassigned', perm: 'ticket.intake' },
  { key: 'due_soon', perm: 'ticket.read', tone: 'warning' },
  { key: 'breached', perm: 'ticket.read', tone: 'danger' },
]

export function workCards(permissions: readonly string[], counts: WorkCounts): WorkCard[] {
  const has = (p: string) => permissions.includes(p)
  const out: WorkCard[] = []
  for (const c of TICKET_CARDS) {
    if (!has(c.perm) || counts[c.key] === undefined) continue
    const n = counts[c.key] ?? 0
    out.push({ key: c.key, count: n, to: `/tickets?queue=${c.key}`, tone: n === 0 ? 'zero' : (c.tone ?? '') })
  }
  if (has('callback.work') && counts.callbacks !== undefined)
    out.push({ key: 'callbacks', count: counts.callbacks, to: '/callbacks', tone: counts.callbacks === 0 ? 'zero' : '' })
  return out
}

// 0 … cap as they are; above the cap (the server counts one past it) "99+".
export function countLabel(n: number, cap: number): string {
  return n > cap ? `${cap}+` : String(n)
}
