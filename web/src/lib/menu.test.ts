import { describe, expect, it } from 'vitest'
import { MENU, mayOpen, menuTrail, requiredPermissions, visibleMenu, type MenuEntry } from './menu'

const ADMIN = ['audit.read', 'org.unit.read', 'org.unit.write', 'org.user.pii', 'org.user.read', 'org.user.write']
const MANAGER = ['org.unit.read', 'org.user.pii', 'org.user.read', 'org.user.write']
const SUPERVISOR = ['org.unit.read', 'org.user.read']
const AGENT = ['org.unit.read']
const keys = (entries: readonly MenuEntry[]): string[] => entries.flatMap((e) => [e.key, ...(e.children ? keys(e.children).map((k) => `${e.key}.${k}`) : [])])

describe('menu by permission', () => {
  it('admin sees home and every admin page', () => {
    expect(keys(visibleMenu(ADMIN))).toEqual(['home', 'admin', 'admin.units', 'admin.users', 'admin.tokens', 'admin.audit'])
  })
  it('manager and supervisor: no audit log', () => {
    expect(keys(visibleMenu(MANAGER))).toEqual(['home', 'admin', 'admin.units', 'admin.users', 'admin.tokens'])
    expect(keys(visibleMenu(SUPERVISOR))).toEqual(['home', 'admin', 'admin.units', 'admin.users', 'admin.tokens'])
  })
  it('agent, inspector, handler, viewer: no 系统管理 at all', () => {
    expect(keys(visibleMenu(AGENT))).toEqual(['home'])
    expect(keys(visibleMenu([]))).toEqual(['home'])
  })
  it('modules that do not exist yet never show, whatever the permissions', () => {
    const everything = ['customer.read', 'ticket.read', 'callback.read', 'quality.read', 'member.read', 'care.read', 'report.read', 'knowledge.read', ...ADMIN]
    const shown = keys(visibleMenu(everything))
    for (const m of ['customers', 'tickets', 'callbacks', 'quality', 'members', 'care', 'reports', 'knowledge']) expect(shown).not.toContain(m)
    // ... and show once they exist
    const built = MENU.map((e) => (e.key === 'tickets' ? { ...e, exists: true } : e))
    expect(keys(visibleMenu(['ticket.read'], built))).toContain('tickets')
    expect(keys(visibleMenu([], built))).not.toContain('tickets')
  })
  it('a group with no visible child is hidden', () => {
    const menu: MenuEntry[] = [{ key: 'g', icon: 'x', exists: true, children: [{ key: 'a', icon: 'x', path: '/a', perms: ['p'], exists: true }] }]
    expect(visibleMenu([], menu)).toEqual([])
    expect(keys(visibleMenu(['p'], menu))).toEqual(['g', 'g.a'])
  })
  it('pages take their permissions from the menu, groups included', () => {
    expect(requiredPermissions('admin.users')).toEqual(['org.user.read'])
    expect(requiredPermissions('admin.audit')).toEqual(['org.user.read', 'audit.read'])
    expect(requiredPermissions('home')).toEqual([])
    expect(menuTrail('admin.units').map((e) => e.key)).toEqual(['admin', 'units'])
    expect(menuTrail('nope')).toEqual([])
    expect(mayOpen('admin.users', AGENT)).toBe(false)
    expect(mayOpen('admin.users', SUPERVISOR)).toBe(true)
    expect(mayOpen('admin.audit', MANAGER)).toBe(false)
    expect(mayOpen('home', [])).toBe(true)
    expect(mayOpen('tickets', ['ticket.read'])).toBe(false) // not built yet
  })
})
