import { describe, expect, it } from 'vitest'
import type { Unit } from '@/api/types'
import { buildUnitTree, subtreeIds, unitPath } from './tree'
import { safeRedirect } from './redirect'

const u = (id: number, parent_id: number | null, kind: Unit['kind'], code: string, name = code): Unit => ({
  id, parent_id, code, name, kind, active: true, depth: 0, created_at: 0, updated_at: 0,
})
const units = [u(1, null, 'head_office', 'HQ', '示例集团'), u(4, 1, 'department', 'HQ-CS'), u(2, 1, 'region', 'EAST', '华东大区'), u(5, 2, 'branch', 'SH', '上海分部'), u(9, 5, 'store', 'SH-01')]

describe('org tree', () => {
  it('nests by parent and orders siblings by kind, then code', () => {
    const tree = buildUnitTree(units)
    expect(tree.map((n) => n.id)).toEqual([1])
    expect(tree[0].children.map((n) => n.unit.code)).toEqual(['EAST', 'HQ-CS'])
    expect(tree[0].children[0].children[0].children[0].label).toBe('SH-01')
  })
  it('starts at the home unit when the scope is a subtree', () => {
    const tree = buildUnitTree(units.filter((x) => x.id >= 5))
    expect(tree.map((n) => n.unit.code)).toEqual(['SH'])
  })
  it('marks disabled nodes', () => {
    const tree = buildUnitTree(units, { disable: (x) => x.kind === 'store' })
    expect(tree[0].children[0].children[0].children[0].disabled).toBe(true)
    expect(tree[0].disabled).toBe(false)
  })
  it('finds a subtree and a path', () => {
    expect([...subtreeIds(units, 2)].sort()).toEqual([2, 5, 9])
    expect([...subtreeIds(units, 9)]).toEqual([9])
    expect(unitPath(new Map(units.map((x) => [x.id, x])), 5)).toBe('示例集团 / 华东大区 / 上海分部')
  })
})

describe('redirect after sign-in', () => {
  it('accepts console paths only', () => {
    expect(safeRedirect('/admin/users?role=agent')).toBe('/admin/users?role=agent')
    expect(safeRedirect(['/admin/units'])).toBe('/admin/units')
    expect(safeRedirect('https://evil.example/')).toBe('/')
    expect(safeRedirect('//evil.example/')).toBe('/')
    expect(safeRedirect('/\\evil.example')).toBe('/')
    expect(safeRedirect('/login?redirect=/x')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})
