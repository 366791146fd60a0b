// Element Plus form rules built from lib/validators: the message is looked up in the
// current language each time a field is checked.
import type { FormItemRule } from 'element-plus'
import { i18n } from '@/i18n'
import type { Check } from './validators'

export function rule(check: Check, trigger: 'blur' | 'change' = 'blur'): FormItemRule {
  return {
    trigger,
    validator: (_rule, value, callback) => {
      const key = check(value)
      if (key) callback(new Error(i18n.global.t(key)))
      else callback()
    },
  }
}

export function rules(...checks: Check[]): FormItemRule[] {
  return checks.map((c) => rule(c))
}
