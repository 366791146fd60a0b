import { describe, expect, it } from 'vitest'
import { countLabel, workCards } from './home'

describe('home: my work', () => {
  it('shows the queues a person works, with links and tones', () => {
    const agent = workCards(['ticket.read', 'ticket.intake', 'callback.work'], { mine: 3, unit: 1, unassigned: 0, due_soon: 2, breached: 1, callbacks: 12 })
    expect(agent.map((c) => c.key)).toEqual(['mine', 'unassigned', 'due_soon', 'breached', 'callbacks']) // no department queue
    expect(agent.find((c) => c.key === 'due_soon')).toMatchObject({ to: '/tickets?queue=due_soon', tone: 'warning' })
    expect(agent.find((c) => c.key === 'breached')?.tone).toBe('danger')
    expect(agent.find((c) => c.key === 'unassigned')?.tone).toBe('zero')
    expect(agent.find((c) => c.key === 'callbacks')).toMatchObject({ count: 12, to: '/callbacks' })
    const handler = workCards(['ticket.read', 'ticket.handle'], { mine: 0, unit: 4, due_soon: 0, breached: 0 })
    expect(handler.map((c) => c.key)).toEqual(['mine', 'unit', 'due_soon', 'breached'])
    expect(workCards([], { mine: 1 })).toEqual([]) // nothing to work, no card
    expect(workCards(['ticket.read'], {})).toEqual([]) // counts not loaded yet
  })

  it('caps the count as the server does', () => {
    expect(countLabel(0, 99)).toBe('0')
    expect(countLabel(99, 99)).toBe('99')
    expect(countLabel(100, 99)).toBe('99+')
  })
})
