import { describe, expect, it } from 'vitest'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import openapi from '../../../src/app/openapi.json'
import { ASSET_FIELD_TYPES, CUSTOMER_KINDS, CUSTOMER_SOURCES, DUPLICATE_REASONS, EVENT_KINDS, GENDERS, KNOWN_PERMISSIONS, MISSING_PARTS, PERMISSIONS, ROLES, TICKET_ACTIONS, TICKET_CHANNELS, TICKET_KINDS, TICKET_SEVERITIES, TICKET_STATES, UNIT_KINDS } from '@/api/types'
import { permKey } from './index'

type Tree = { [k: string]: string | Tree }
function flat(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out[key] = v
    else Object.assign(out, flat(v, key))
  }
  return out
}
const zh = flat(zhCN as Tree)
const enFlat = flat(en as Tree)

// Every source file of the console, as text.
const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts', '!../**/*.d.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>

describe('messages', () => {
  it('both languages have the same keys and no empty text', () => {
    expect(Object.keys(enFlat).sort()).toEqual(Object.keys(zh).sort())
    for (const [k, v] of Object.entries({ ...zh, ...enFlat })) expect(v.trim(), k).not.toBe('')
  })

  it('every literal t("…") key in the sources exists', () => {
    const used = new Set<string>()
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1])
    }
    expect(used.size).toBeGreaterThan(50)
    const missing = [...used].filter((k) => !(k in zh))
    expect(missing).toEqual([])
  })

  it('the Chinese texts are Chinese', () => {
    for (const k of ['menu.admin', 'menu.units', 'menu.users', 'menu.tokens', 'menu.audit', 'menu.home', 'login.submit', 'menu.customers', 'menu.customerList', 'menu.duplicates', 'menu.assetTypes', 'customers.create'])
      expect(zh[k]).toMatch(/[\u4e00-\u9fff]/)
  })
})

// The API's enums, straight from the server's OpenAPI document.
describe('API enums', () => {
  const schemas = (openapi as { components: { schemas: Record<string, { enum?: string[] }> } }).components.schemas
  it('the console knows every permission, role and unit kind of the API, with a name for each', () => {
    // Every permission of the API is known and named (the module ones may come first).
    for (const p of schemas.Permission.enum ?? []) expect(KNOWN_PERMISSIONS, p).toContain(p)
    for (const p of PERMISSIONS) expect(schemas.Permission.enum ?? [], p).toContain(p)
    expect([...ROLES].sort()).toEqual([...(schemas.Role.enum ?? [])].sort())
    expect([...UNIT_KINDS].sort()).toEqual([...(schemas.UnitKind.enum ?? [])].sort())
    for (const p of KNOWN_PERMISSIONS) expect(zh[permKey(p)], p).toBeTruthy()
    for (const r of ROLES) expect(zh[`role.${r}`], r).toBeTruthy()
    for (const k of UNIT_KINDS) expect(zh[`kind.${k}`], k).toBeTruthy()
  })

  it('the console knows every customer enum of the API, with a name for each', () => {
    const en = (name: string) => [...(schemas[name].enum ?? [])].sort()
    const props = (schemas.Customer as unknown as { properties: Record<string, { enum?: string[] }> }).properties
    const missing = (schemas.Completeness as unknown as { properties: { missing: { items: { enum: string[] } } } }).properties.missing.items.enum
    const fieldTypes = (schemas.AssetField as unknown as { properties: { type: { enum: string[] } } }).properties.type.enum
    const reasons = (schemas.DuplicateGroup as unknown as { properties: { reason: { enum: string[] } } }).properties.reason.enum
    expect([...CUSTOMER_KINDS].sort()).toEqual(en('CustomerKind'))
    expect([...CUSTOMER_SOURCES].sort()).toEqual(en('CustomerSource'))
    expect([...EVENT_KINDS].sort()).toEqual(en('CustomerEventKind'))
    expect([...GENDERS].sort()).toEqual([...(props.gender.enum ?? [])].sort())
    expect([...MISSING_PARTS].sort()).toEqual([...missing].sort())
    expect([...ASSET_FIELD_TYPES].sort()).toEqual([...fieldTypes].sort())
    expect([...DUPLICATE_REASONS].sort()).toEqual([...reasons].sort())
    const named = (prefix: string, values: readonly string[]) => values.forEach((v) => expect(zh[`${prefix}.${v}`], `${prefix}.${v}`).toBeTruthy())
    named('customers.kinds', CUSTOMER_KINDS)
    named('customers.sources', CUSTOMER_SOURCES)
    named('customers.genders', GENDERS)
    named('customers.missing', MISSING_PARTS)
    named('timeline.kinds', EVENT_KINDS)
    named('assetTypes.types', ASSET_FIELD_TYPES)
    named('duplicates.reasons', DUPLICATE_REASONS)
  })

  it('the console knows every ticket enum of the API, with a name for each', () => {
    const en = (name: string) => [...(schemas[name].enum ?? [])].sort()
    expect([...TICKET_KINDS].sort()).toEqual(en('TicketKind'))
    expect([...TICKET_CHANNELS].sort()).toEqual(en('TicketChannel'))
    expect([...TICKET_SEVERITIES].sort()).toEqual(en('TicketSeverity'))
    expect([...TICKET_STATES].sort()).toEqual(en('TicketState'))
    expect([...TICKET_ACTIONS].sort()).toEqual(en('TicketAction'))
    const named = (prefix: string, values: readonly string[]) => values.forEach((v) => expect(zh[`${prefix}.${v}`], `${prefix}.${v}`).toBeTruthy())
    named('tickets.kinds', TICKET_KINDS)
    named('tickets.channels', TICKET_CHANNELS)
    named('tickets.severities', TICKET_SEVERITIES)
    named('tickets.states', TICKET_STATES)
    named('tickets.stepTitles', TICKET_STATES)
    named('tickets.actions', TICKET_ACTIONS)
  })
})
