import { describe, expect, it } from 'vitest'
import { MENU, mayOpen, menuTrail, requiredPermissions, visibleMenu, type MenuEntry } from './menu'

// As the server grants them (org::permissions_of).
const T_ALL = ['ticket.admin', 'ticket.approve', 'ticket.create', 'ticket.handle', 'ticket.intake', 'ticket.manage', 'ticket.read']
const ADMIN = ['audit.read', 'calendar.admin', 'customer.admin', 'customer.assign', 'customer.merge', 'customer.pii', 'customer.read', 'customer.write', 'org.unit.read', 'org.unit.write', 'org.user.pii', 'org.user.read', 'org.user.write', 'survey.admin', 'survey.read', ...T_ALL]
const MANAGER = ['customer.assign', 'customer.merge', 'customer.pii', 'customer.read', 'customer.write', 'org.unit.read', 'org.user.pii', 'org.user.read', 'org.user.write', 'ticket.approve', 'ticket.create', 'ticket.handle', 'ticket.intake', 'ticket.manage', 'ticket.read', 'survey.read']
const SUPERVISOR = ['customer.assign', 'customer.merge', 'customer.pii', 'customer.read', 'customer.write', 'org.unit.read', 'org.user.read', 'ticket.approve', 'ticket.create', 'ticket.handle', 'ticket.intake', 'ticket.read', 'survey.read']
const AGENT = ['customer.read', 'customer.write', 'org.unit.read', 'ticket.create', 'ticket.intake', 'ticket.read', 'survey.read']
const HANDLER = ['customer.read', 'org.unit.read', 'ticket.handle', 'ticket.read']
const INSPECTOR = ['customer.read', 'org.unit.read', 'ticket.read']
const CUSTOMERS = ['customers', 'customers.customerList', 'customers.duplicates', 'customers.customerImport', 'customers.classifications']
const TICKETS = ['tickets', 'tickets.ticketQueues', 'tickets.ticketNew', 'tickets.ticketStats', 'tickets.ticketSanctions']
const TICKETS_READ = ['tickets', 'tickets.ticketQueues', 'tickets.ticketStats', 'tickets.ticketSanctions']
const TICKETS_ADMIN = ['tickets.ticketCategories', 'tickets.rootCauses', 'tickets.slaPolicies']
const SURVEYS = ['surveys', 'surveys.surveyReport']
const SURVEYS_ADMIN = [...SURVEYS, 'surveys.questionnaires', 'surveys.benchmarks']
const keys = (entries: readonly MenuEntry[]): string[] => entries.flatMap((e) => [e.key, ...(e.children ? keys(e.children).map((k) => `${e.key}.${k}`) : [])])

describe('menu by permission', () => {
  it('admin sees home, the customer archive with asset types, tickets with their settings, and every admin page', () => {
    expect(keys(visibleMenu(ADMIN))).toEqual(['home', ...CUSTOMERS, 'customers.assetTypes', ...TICKETS, ...TICKETS_ADMIN, ...SURVEYS_ADMIN, 'admin', 'admin.units', 'admin.users', 'admin.tokens', 'admin.audit', 'admin.calendars'])
  })
  it('manager and supervisor: customers without asset types; tickets without settings; no audit log', () => {
    expect(keys(visibleMenu(MANAGER))).toEqual(['home', ...CUSTOMERS, ...TICKETS, ...SURVEYS, 'admin', 'admin.units', 'admin.users', 'admin.tokens'])
    expect(keys(visibleMenu(SUPERVISOR))).toEqual(['home', ...CUSTOMERS, ...TICKETS, ...SURVEYS, 'admin', 'admin.units', 'admin.users', 'admin.tokens'])
  })
  it('agent, inspector, handler, viewer: customers and tickets, no 系统管理 at all', () => {
    expect(keys(visibleMenu(AGENT))).toEqual(['home', ...CUSTOMERS, ...TICKETS, ...SURVEYS])
    const READ_ONLY = CUSTOMERS.filter((k) => k !== 'customers.customerImport') // 导入 needs customer.write
    expect(keys(visibleMenu(HANDLER))).toEqual(['home', ...READ_ONLY, ...TICKETS_READ]) // no 新建工单
    expect(keys(visibleMenu(INSPECTOR))).toEqual(['home', ...READ_ONLY, ...TICKETS_READ])
    expect(keys(visibleMenu([]))).toEqual(['home'])
  })
  it('modules that do not exist yet never show, whatever the permissions', () => {
    const everything = ['customer.read', 'ticket.read', 'callback.read', 'quality.read', 'member.read', 'care.read', 'report.read', 'knowledge.read', ...ADMIN]
    const shown = keys(visibleMenu(everything))
    for (const m of ['quality', 'members', 'care', 'reports', 'knowledge']) expect(shown).not.toContain(m)
    // ... and show once they exist
    const built = MENU.map((e) => (e.key === 'quality' ? { ...e, exists: true } : e))
    expect(keys(visibleMenu(['quality.read'], built))).toContain('quality')
    expect(keys(visibleMenu([], built))).not.toContain('quality')
  })
  it('callbacks: the workbench and KPIs for whoever reads callbacks; the rules under 系统管理 for rule.read', () => {
    const AGENT_CB = [...AGENT, 'callback.read', 'callback.work', 'survey.read']
    expect(keys(visibleMenu(AGENT_CB))).toEqual(['home', ...CUSTOMERS, ...TICKETS, 'callbacks', 'callbacks.callbackWorkbench', 'callbacks.callbackKpis', ...SURVEYS])
    const SUP_CB = [...SUPERVISOR, 'callback.read', 'callback.work', 'callback.supervise', 'rule.read']
    expect(keys(visibleMenu(SUP_CB))).toEqual(['home', ...CUSTOMERS, ...TICKETS, 'callbacks', 'callbacks.callbackWorkbench', 'callbacks.callbackKpis', ...SURVEYS, 'admin', 'admin.units', 'admin.users', 'admin.tokens', 'admin.callbackRules'])
    expect(mayOpen('callbacks.callbackWorkbench', ['callback.read'])).toBe(true)
    expect(mayOpen('callbacks.callbackKpis', [])).toBe(false)
    expect(requiredPermissions('admin.callbackRules')).toEqual(['org.user.read', 'rule.read'])
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
    expect(mayOpen('quality', ['quality.read'])).toBe(false) // not built yet
    expect(mayOpen('tickets.ticketQueues', HANDLER)).toBe(true)
    expect(mayOpen('tickets.ticketNew', HANDLER)).toBe(false)
    expect(mayOpen('tickets.slaPolicies', MANAGER)).toBe(false)
    expect(requiredPermissions('tickets.slaPolicies')).toEqual(['ticket.read', 'ticket.admin'])
    // 奖惩台账: every ticket reader (the page asks for one's own without approve/manage)
    expect(requiredPermissions('tickets.ticketSanctions')).toEqual(['ticket.read'])
    expect(mayOpen('tickets.ticketSanctions', INSPECTOR)).toBe(true)
    expect(mayOpen('tickets.ticketSanctions', ['customer.read'])).toBe(false)
    expect(requiredPermissions('customers.assetTypes')).toEqual(['customer.read', 'customer.admin'])
    expect(mayOpen('customers.customerList', INSPECTOR)).toBe(true)
    expect(mayOpen('customers.assetTypes', MANAGER)).toBe(false)
    expect(requiredPermissions('admin.calendars')).toEqual(['org.user.read', 'calendar.admin'])
    expect(mayOpen('admin.calendars', ADMIN)).toBe(true)
    expect(mayOpen('admin.calendars', MANAGER)).toBe(false)
  })
})
