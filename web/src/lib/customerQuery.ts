// The customer list's filters, kept in the address (so a search can be shared, the
// header's search box can open it, and "back" from a customer returns to the same list).
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { clipBytes } from './text'
import { CUSTOMER_KINDS, CUSTOMER_SOURCES, type CustomerKind, type CustomerSource } from '@/api/types'

export interface CustomerFilters {
  q: string
  unit_id: number | null
  owner_id: number | null
  kind: CustomerKind | ''
  source: CustomerSource | ''
  tag: string
  cls: string // "lifecycle:at_risk"
  incomplete: boolean
}

export const emptyFilters = (): CustomerFilters => ({ q: '', unit_id: null, owner_id: null, kind: '', source: '', tag: '', cls: '', incomplete: false })

const one = (v: LocationQuery[string]): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).toString()
const id = (v: LocationQuery[string]): number | null => {
  const n = Number(one(v))
  return Number.isSafeInteger(n) && n > 0 ? n : null
}

export function filtersFromQuery(q: LocationQuery): CustomerFilters {
  const kind = one(q.kind)
  const source = one(q.source)
  return {
    q: clipBytes(one(q.q), 100), // the API takes 1–100 bytes
    unit_id: id(q.unit_id),
    owner_id: id(q.owner_id),
    kind: (CUSTOMER_KINDS as readonly string[]).includes(kind) ? (kind as CustomerKind) : '',
    source: (CUSTOMER_SOURCES as readonly string[]).includes(source) ? (source as CustomerSource) : '',
    tag: clipBytes(one(q.tag), 60),
    cls: /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/.test(one(q.class)) ? one(q.class) : '',
    incomplete: one(q.incomplete) === 'true',
  }
}

// Only what is set, so an empty search is a clean address.
export function queryOfFilters(f: CustomerFilters): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  if (f.q.trim()) out.q = f.q.trim()
  if (f.unit_id) out.unit_id = String(f.unit_id)
  if (f.owner_id) out.owner_id = String(f.owner_id)
  if (f.kind) out.kind = f.kind
  if (f.source) out.source = f.source
  if (f.tag.trim()) out.tag = f.tag.trim()
  if (f.cls) out.class = f.cls
  if (f.incomplete) out.incomplete = 'true'
  return out
}

// The API's query parameters for one page.
export function apiQuery(f: CustomerFilters, limit: number, after: string | null) {
  return {
    limit,
    after: after ?? undefined,
    q: clipBytes(f.q.trim(), 100) || undefined,
    unit_id: f.unit_id ?? undefined,
    owner_id: f.owner_id ?? undefined,
    kind: f.kind || undefined,
    source: f.source || undefined,
    tag: clipBytes(f.tag.trim(), 60) || undefined,
    class: f.cls || undefined,
    incomplete: f.incomplete || undefined,
  }
}

// The export's address: the list's filters (all pages) and the file format.
export function exportUrl(f: CustomerFilters, format: 'csv' | 'xlsx'): string {
  const q = new URLSearchParams({ format })
  for (const [k, v] of Object.entries(apiQuery(f, 1, null))) {
    if (k === 'limit' || k === 'after' || v === undefined) continue
    q.set(k, String(v))
  }
  return `/api/v1/customers/export?${q.toString()}`
}

// The same filters as the body of a bulk assignment.
export function filterBody(f: CustomerFilters) {
  const { limit: _limit, after: _after, ...rest } = apiQuery(f, 1, null)
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined))
}
