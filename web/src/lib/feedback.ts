// Showing API failures: a toast with the server's own (already localised) message, and
// per-field messages for forms.
import { reactive, watch, type Ref } from 'vue'
import type { FormInstance } from 'element-plus'
import { ElMessage } from 'element-plus'
import 'element-plus/theme-chalk/el-message.css'
import { ApiError, fieldErrorsOf, unplacedErrors } from '@/api/problem'
import { i18n } from '@/i18n'

export function errorText(e: unknown): string {
  const t = i18n.global.t
  if (e instanceof ApiError) {
    if (e.status === 0) return t('errors.network')
    if (e.problem?.detail) return e.problem.detail
  }
  return t('errors.generic')
}

// A 401 has already sent the user to the sign-in page: nothing more to say.
export function showError(e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 5000 })
}

export function showSuccess(message: string): void {
  ElMessage({ type: 'success', message, duration: 2500 })
}

// Server field errors for one form: `errors[field]` feeds <el-form-item :error>.
export function useFieldErrors(fields: readonly string[], aliases: Record<string, string> = {}) {
  const errors = reactive<Record<string, string>>({})
  const state = reactive({ extra: '' })

  function clear(): void {
    for (const k of Object.keys(errors)) delete errors[k]
    state.extra = ''
  }

  // Takes a failure apart: field messages go to their fields; returns true when the
  // problem was about fields (so no toast is needed), false otherwise.
  function take(e: unknown): boolean {
    clear()
    if (!(e instanceof ApiError) || !e.problem) return false
    const mapped = fieldErrorsOf(e.problem, aliases)
    const placed = Object.keys(mapped).filter((f) => fields.includes(f))
    for (const f of placed) errors[f] = mapped[f]
    const rest = unplacedErrors(mapped, fields)
    if (rest.length) state.extra = i18n.global.t('errors.unplaced', { list: rest.join('; ') })
    return placed.length > 0 || rest.length > 0
  }

  return { errors, state, clear, take }
}

// "Punish late, reward early": a field already marked wrong (by the browser's check or by
// the server) is checked again as the user types, so a fixed value loses its message at
// once; server messages of a field go away when its value changes.
export function useLiveChecks(
  formRef: Ref<FormInstance | undefined>,
  model: Record<string, unknown>,
  serverErrors?: Record<string, string>,
): void {
  watch(
    () => Object.fromEntries(Object.entries(model).map(([k, v]) => [k, Array.isArray(v) ? v.join('\u0000') : v])),
    (now, before) => {
      for (const key of Object.keys(now)) {
        if (now[key] === before[key]) continue
        if (serverErrors && serverErrors[key]) delete serverErrors[key]
        const field = formRef.value?.getField(key)
        if (field?.validateState === 'error') formRef.value?.validateField(key).catch(() => {})
      }
    },
  )
}
