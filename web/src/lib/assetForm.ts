// Asset forms built from an asset type's fields (GET /api/v1/asset-types): the values as
// the inputs hold them (strings; money in yuan), checks that mirror the server's
// (customers::check_attributes), the attrs to send (integers and fen as JSON numbers), and
// how values read in lists. Also the client-side check of an asset type being edited.
import type { AssetField, AssetType } from '@/api/types'
import { fenToYuan, formatMoney, yuanToFen } from './money'
import { normalisePhone } from './phone'
import { CODE_RE, isCalendarDate } from './validators'
import { byteLength } from './text'

export type AssetModel = Record<string, string>
export type Attrs = Record<string, string | number>

// The server measures text values in UTF-8 bytes (200 bytes: 66 Chinese characters).
export const TEXT_MAX_BYTES = 200

export function fieldLabel(f: Pick<AssetField, 'label_zh' | 'label_en'>, lang: string): string {
  return lang === 'en' && f.label_en ? f.label_en : f.label_zh
}
export function typeName(t: Pick<AssetType, 'name_zh' | 'name_en'> | undefined, lang: string, fallback = ''): string {
  if (!t) return fallback
  return lang === 'en' && t.name_en ? t.name_en : t.name_zh
}

// The inputs' values for every field of the type, from an asset's attrs (or empty).
export function assetModel(type: AssetType, attrs: Record<string, unknown> = {}): AssetModel {
  const model: AssetModel = {}
  for (const f of type.fields) {
    const v = attrs[f.key]
    if (v === null || v === undefined) model[f.key] = ''
    else if (f.type === 'money' && typeof v === 'number') model[f.key] = fenToYuan(v)
    else model[f.key] = String(v)
  }
  return model
}

// The format of one value: null when fine (or empty), else the i18n key of the message.
// Whether a required field may be empty is the server's to say (field.required on
// attrs.<key>), so the form shows the server's message on the field.
export function checkAssetValue(f: AssetField, value: string): string | null {
  const s = value.trim()
  if (!s) return null
  switch (f.type) {
    case 'integer':
      return /^\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? null : 'validation.integer'
    case 'money':
      return yuanToFen(s) !== null ? null : 'validation.money'
    case 'date':
      return isCalendarDate(s) ? null : 'validation.date'
    case 'phone':
      return normalisePhone(s) ? null : 'validation.customerPhone'
    case 'enum':
      return f.options.includes(s) ? null : 'validation.option'
    default:
      return byteLength(s) <= TEXT_MAX_BYTES ? null : 'validation.textBytes'
  }
}

// Every field's problem (format only), by key.
export function checkAsset(type: AssetType, model: AssetModel): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of type.fields) {
    const k = checkAssetValue(f, model[f.key] ?? '')
    if (k) out[f.key] = k
  }
  return out
}

// The attrs to send: empty inputs are left out (PATCH replaces every value, so a cleared
// field is cleared); integers and money (fen) as JSON numbers; phones normalised.
export function assetAttrs(type: AssetType, model: AssetModel): Attrs {
  const out: Attrs = {}
  for (const f of type.fields) {
    const s = (model[f.key] ?? '').trim()
    if (!s) continue
    if (f.type === 'integer') out[f.key] = Number(s)
    else if (f.type === 'money') out[f.key] = yuanToFen(s) ?? s
    else if (f.type === 'phone') out[f.key] = normalisePhone(s) ?? s
    else out[f.key] = s
  }
  return out
}

// A value as a person reads it: money in ¥ with two decimals, integers grouped.
export function displayAssetValue(f: AssetField | undefined, v: unknown, option: (o: string) => string = (o) => o): string {
  if (v === null || v === undefined || v === '') return '—'
  if (f?.type === 'money' && typeof v === 'number') return formatMoney(v)
  if (f?.type === 'integer' && typeof v === 'number') return v.toLocaleString('en-US')
  if (f?.type === 'enum' && typeof v === 'string') return option(v)
  return String(v)
}

// The fields to show for an asset: the type's, in order, then any value the type no
// longer defines (an admin may have removed the field), so nothing is hidden.
export function assetRows(type: AssetType | undefined, attrs: Record<string, unknown>): { key: string; field?: AssetField; value: unknown }[] {
  const rows: { key: string; field?: AssetField; value: unknown }[] = []
  const known = new Set<string>()
  for (const f of type?.fields ?? []) {
    known.add(f.key)
    rows.push({ key: f.key, field: f, value: attrs[f.key] })
  }
  for (const [k, v] of Object.entries(attrs)) if (!known.has(k)) rows.push({ key: k, value: v })
  return rows
}

// ---- editing an asset type (PUT /api/v1/asset-types/{code})

export interface FieldDraft {
  key: string
  label_zh: string
  label_en: string
  type: AssetField['type']
  required: boolean
  options: string[]
}
export interface TypeDraft {
  code: string
  name_zh: string
  name_en: string
  active: boolean
  fields: FieldDraft[]
}

const chars = (s: string) => [...s].length

// Problems by form path ("name_zh", "fields.2.key"), as i18n keys; mirrors
// CustomerService::save_asset_type and the route's length limits.
export function checkAssetType(d: TypeDraft, opts: { takenCodes?: readonly string[] } = {}): Record<string, string> {
  const e: Record<string, string> = {}
  const code = d.code.trim()
  if (!CODE_RE.test(code)) e.code = 'validation.fieldKey'
  else if (opts.takenCodes?.includes(code)) e.code = 'assetTypes.codeTaken'
  if (!d.name_zh.trim()) e.name_zh = 'validation.required'
  else if (chars(d.name_zh.trim()) > 40) e.name_zh = 'validation.tooLong'
  if (!d.name_en.trim()) e.name_en = 'validation.required'
  else if (chars(d.name_en.trim()) > 40) e.name_en = 'validation.tooLong'
  if (!d.fields.length) e.fields = 'assetTypes.fieldsEmpty'
  const keys = new Set<string>()
  d.fields.forEach((f, i) => {
    const at = `fields.${i}`
    const key = f.key.trim()
    if (!CODE_RE.test(key)) e[`${at}.key`] = 'validation.fieldKey'
    else if (keys.has(key)) e[`${at}.key`] = 'assetTypes.keyRepeated'
    keys.add(key)
    if (!f.label_zh.trim()) e[`${at}.label_zh`] = 'validation.required'
    else if (chars(f.label_zh.trim()) > 40) e[`${at}.label_zh`] = 'validation.tooLong'
    if (chars(f.label_en.trim()) > 40) e[`${at}.label_en`] = 'validation.tooLong'
    if (f.type === 'enum') {
      if (!f.options.length) e[`${at}.options`] = 'assetTypes.optionsEmpty'
      else if (f.options.some((o) => !o.trim() || chars(o.trim()) > 40)) e[`${at}.options`] = 'validation.tooLong'
    }
  })
  return e
}

export function draftOf(t?: AssetType): TypeDraft {
  if (!t) return { code: '', name_zh: '', name_en: '', active: true, fields: [blankField()] }
  return {
    code: t.code,
    name_zh: t.name_zh,
    name_en: t.name_en,
    active: t.active,
    fields: t.fields.map((f) => ({ key: f.key, label_zh: f.label_zh, label_en: f.label_en, type: f.type, required: f.required, options: [...f.options] })),
  }
}

export function blankField(): FieldDraft {
  return { key: '', label_zh: '', label_en: '', type: 'text', required: false, options: [] }
}

// The body of the PUT: trimmed; options only for enum fields.
export function typeBody(d: TypeDraft) {
  return {
    name_zh: d.name_zh.trim(),
    name_en: d.name_en.trim(),
    active: d.active,
    fields: d.fields.map((f) => ({
      key: f.key.trim(),
      label_zh: f.label_zh.trim(),
      label_en: f.label_en.trim(),
      type: f.type,
      required: f.required,
      options: f.type === 'enum' ? f.options.map((o) => o.trim()) : [],
    })),
  }
}
