// The side menu: every module of DOMAIN.md, each entry with the permissions it needs
// (all of them) and whether the module exists yet. Entries of modules that do not exist
// are never shown; a group shows when it may be used and has at least one visible child.
// Routes take their required permissions from here too (requiredPermissions), so menu
// and page access cannot disagree.

export interface MenuEntry {
  key: string // also the i18n key menu.<key>
  icon: string // name of an @element-plus/icons-vue icon
  path?: string // leaf entries
  perms?: readonly string[] // all needed; a group's apply to its children
  exists: boolean // false until the module is built
  children?: readonly MenuEntry[]
}

export const MENU: readonly MenuEntry[] = [
  { key: 'home', icon: 'HomeFilled', path: '/', exists: true },
  {
    key: 'customers',
    icon: 'Avatar',
    perms: ['customer.read'],
    exists: true,
    children: [
      { key: 'customerList', icon: 'User', path: '/customers', exists: true },
      { key: 'duplicates', icon: 'CopyDocument', path: '/customers/duplicates', exists: true },
      { key: 'customerImport', icon: 'Upload', path: '/customers/import', perms: ['customer.write'], exists: true },
      { key: 'classifications', icon: 'PieChart', path: '/customers/classifications', exists: true },
      { key: 'assetTypes', icon: 'Files', path: '/customers/asset-types', perms: ['customer.admin'], exists: true },
    ],
  },
  {
    key: 'tickets',
    icon: 'Tickets',
    perms: ['ticket.read'],
    exists: true,
    children: [
      { key: 'ticketQueues', icon: 'List', path: '/tickets', exists: true },
      { key: 'ticketNew', icon: 'EditPen', path: '/tickets/new', perms: ['ticket.create'], exists: true },
      { key: 'ticketStats', icon: 'DataLine', path: '/tickets/stats', exists: true },
      // Every ticket reader: without ticket.approve/manage the page shows one's own only.
      { key: 'ticketSanctions', icon: 'Money', path: '/tickets/sanctions', exists: true },
      { key: 'ticketCategories', icon: 'Files', path: '/tickets/categories', perms: ['ticket.admin'], exists: true },
      { key: 'rootCauses', icon: 'Aim', path: '/tickets/root-causes', perms: ['ticket.admin'], exists: true },
      { key: 'slaPolicies', icon: 'Timer', path: '/tickets/sla-policies', perms: ['ticket.admin'], exists: true },
    ],
  },
  {
    key: 'callbacks',
    icon: 'PhoneFilled',
    perms: ['callback.read'],
    exists: true,
    children: [
      { key: 'callbackWorkbench', icon: 'Headset', path: '/callbacks', exists: true },
      { key: 'callbackKpis', icon: 'TrendCharts', path: '/callbacks/kpis', exists: true },
    ],
  },
  {
    key: 'surveys',
    icon: 'Checked',
    perms: ['survey.read'],
    exists: true,
    children: [
      { key: 'surveyReport', icon: 'DataAnalysis', path: '/surveys/report', exists: true },
      { key: 'questionnaires', icon: 'Document', path: '/surveys/questionnaires', perms: ['survey.admin'], exists: true },
      { key: 'benchmarks', icon: 'Flag', path: '/surveys/benchmarks', perms: ['survey.admin'], exists: true },
    ],
  },
  { key: 'quality', icon: 'Medal', path: '/quality', perms: ['quality.read'], exists: false },
  { key: 'members', icon: 'Postcard', path: '/members', perms: ['member.read'], exists: false },
  { key: 'care', icon: 'Present', path: '/care', perms: ['care.read'], exists: false },
  { key: 'reports', icon: 'DataAnalysis', path: '/reports', perms: ['report.read'], exists: false },
  { key: 'knowledge', icon: 'Reading', path: '/knowledge', perms: ['knowledge.read'], exists: false },
  {
    key: 'admin',
    icon: 'Setting',
    perms: ['org.user.read'],
    exists: true,
    children: [
      { key: 'units', icon: 'OfficeBuilding', path: '/admin/units', perms: ['org.unit.read'], exists: true },
      { key: 'users', icon: 'User', path: '/admin/users', exists: true },
      { key: 'tokens', icon: 'Key', path: '/admin/tokens', exists: true },
      { key: 'audit', icon: 'Document', path: '/admin/audit', perms: ['audit.read'], exists: true },
      { key: 'calendars', icon: 'Calendar', path: '/admin/calendars', perms: ['calendar.admin'], exists: true },
      { key: 'callbackRules', icon: 'Operation', path: '/admin/rules', perms: ['rule.read'], exists: true },
    ],
  },
]

function allowed(entry: MenuEntry, perms: ReadonlySet<string>): boolean {
  return entry.exists && (entry.perms ?? []).every((p) => perms.has(p))
}

export function visibleMenu(perms: Iterable<string>, menu: readonly MenuEntry[] = MENU): MenuEntry[] {
  const have = new Set(perms)
  const walk = (entries: readonly MenuEntry[]): MenuEntry[] =>
    entries.flatMap((e) => {
      if (!allowed(e, have)) return []
      if (!e.children) return [e]
      const children = walk(e.children)
      return children.length ? [{ ...e, children }] : []
    })
  return walk(menu)
}

// The chain of entries leading to `key` ("admin.users" or "users"), or [] when unknown.
export function menuTrail(key: string, menu: readonly MenuEntry[] = MENU): MenuEntry[] {
  const parts = key.split('.')
  const trail: MenuEntry[] = []
  let level: readonly MenuEntry[] | undefined = menu
  for (const part of parts) {
    const hit: MenuEntry | undefined = level?.find((e) => e.key === part)
    if (!hit) return []
    trail.push(hit)
    level = hit.children
  }
  return trail
}

// Everything a page behind menu entry `key` needs: its own and its groups' permissions.
export function requiredPermissions(key: string, menu: readonly MenuEntry[] = MENU): string[] {
  return [...new Set(menuTrail(key, menu).flatMap((e) => e.perms ?? []))]
}

export function mayOpen(key: string, perms: Iterable<string>, menu: readonly MenuEntry[] = MENU): boolean {
  const have = new Set(perms)
  const trail = menuTrail(key, menu)
  if (!trail.length) return false
  return trail.every((e) => e.exists) && requiredPermissions(key, menu).every((p) => have.has(p))
}
