// The org-unit list (flat, from the API) as a tree for el-tree and el-tree-select.
import type { Unit } from '@/api/types'

export interface UnitNode {
  id: number
  label: string
  unit: Unit
  disabled?: boolean
  children: UnitNode[]
}

const KIND_ORDER = ['head_office', 'region', 'branch', 'store', 'department']

// Roots are units whose parent is not in the list (the head office, or the caller's home
// unit when their scope is a subtree). Siblings: by kind, then code.
export function buildUnitTree(units: readonly Unit[], opts: { disable?: (u: Unit) => boolean } = {}): UnitNode[] {
  const nodes = new Map<number, UnitNode>()
  for (const u of units) nodes.set(u.id, { id: u.id, label: u.name, unit: u, children: [], disabled: opts.disable?.(u) })
  const roots: UnitNode[] = []
  for (const n of nodes.values()) {
    const parent = n.unit.parent_id != null ? nodes.get(n.unit.parent_id) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  const sort = (list: UnitNode[]) => {
    list.sort(
      (a, b) =>
        KIND_ORDER.indexOf(a.unit.kind) - KIND_ORDER.indexOf(b.unit.kind) || a.unit.code.localeCompare(b.unit.code),
    )
    list.forEach((n) => sort(n.children))
  }
  sort(roots)
  return roots
}

// The ids of `id` and everything below it.
export function subtreeIds(units: readonly Unit[], id: number): Set<number> {
  const children = new Map<number, number[]>()
  for (const u of units) {
    if (u.parent_id == null) continue
    const list = children.get(u.parent_id) ?? []
    list.push(u.id)
    children.set(u.parent_id, list)
  }
  const out = new Set<number>()
  const stack = [id]
  while (stack.length) {
    const cur = stack.pop()!
    if (out.has(cur)) continue
    out.add(cur)
    stack.push(...(children.get(cur) ?? []))
  }
  return out
}

// "示例集团 / 华东大区 / 上海分部"
export function unitPath(units: ReadonlyMap<number, Unit>, id: number): string {
  const names: string[] = []
  let cur = units.get(id)
  const seen = new Set<number>()
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id)
    names.unshift(cur.name)
    cur = cur.parent_id != null ? units.get(cur.parent_id) : undefined
  }
  return names.join(' / ')
}
