// Classification helpers for the console: a class's label and colour, the list filter's
// options, and the editor's draft ↔ API body (money shown in yuan, kept in fen).
import type { ClassCondition, Classification, ClassificationInput } from '@/api/types'

export interface ClassLook {
  code: string
  label: string
  colour: string
}

// A class of a classification, in the reader's language; unknown codes show as they are.
export function classLook(c: Classification | undefined, code: string, lang: string): ClassLook {
  const all = c ? [...c.classes, c.default] : []
  const k = all.find((x) => x.code === code)
  if (!k) return { code, label: code, colour: '#8c8c8c' }
  return { code, label: lang.startsWith('en') ? k.label_en : k.label_zh, colour: k.colour ?? '#8c8c8c' }
}

export const classificationLabel = (c: Classification, lang: string) => (lang.startsWith('en') ? c.label_en : c.label_zh)

// "lifecycle:at_risk" options grouped by classification, for the list's filter.
export function filterOptions(cs: readonly Classification[], lang: string) {
  return cs
    .filter((c) => c.active)
    .map((c) => ({
      label: classificationLabel(c, lang),
      options: [...c.classes, c.default].map((k) => ({ value: `${c.code}:${k.code}`, label: classLook(c, k.code, lang).label })),
    }))
}

// The editor shows money in yuan; the API keeps fen. Spend conditions are the money ones.
export const isMoney = (cond: Pick<ClassCondition, 'measure'>) => cond.measure === 'spend'
export const toYuan = (fen: number) => fen / 100
export const toFen = (yuan: number) => Math.round(yuan * 100)

// The body of PUT / dry-run from a classification being edited.
export function inputOf(c: Classification): ClassificationInput & { code: string } {
  return {
    code: c.code,
    label_zh: c.label_zh,
    label_en: c.label_en,
    active: c.active,
    classes: c.classes.map((k) => ({
      code: k.code,
      label_zh: k.label_zh,
      label_en: k.label_en,
      colour: k.colour,
      conditions: k.conditions.map((x) => {
        const out: ClassCondition = { measure: x.measure, op: x.op, values: [...(x.values ?? [])] }
        if (x.kinds?.length) out.kinds = [...x.kinds]
        if (x.days) out.days = x.days
        if (x.asset_type) out.asset_type = x.asset_type
        if (x.attr) out.attr = x.attr
        return out
      }),
    })),
    default: { code: c.default.code, label_zh: c.default.label_zh, label_en: c.default.label_en, colour: c.default.colour },
  }
}

// How many values an operator takes.
export const arity = (op: string) => (op === 'missing' || op === 'exists' ? 0 : op === 'between' ? 2 : 1)
