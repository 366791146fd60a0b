import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'

export type Lang = 'zh-CN' | 'en'
export const LANGS: readonly { value: Lang; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
]
const STORAGE_KEY = 'kefu.lang'

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    /* storage unavailable: use the default */
  }
  return 'zh-CN' // Chinese first, whatever the browser says
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function currentLang(): Lang {
  return i18n.global.locale.value as Lang
}

export function setLang(lang: Lang): void {
  i18n.global.locale.value = lang
  document.documentElement.lang = lang
  try {
    localStorage.setItem(STORAGE_KEY, lang)
  } catch {
    /* ignore */
  }
}

// i18n keys for API enum values ("org.user.read" → "perm.org_user_read").
export const permKey = (p: string) => `perm.${p.replace(/\./g, '_')}`
// A permission's name, or its code when this console does not know it yet.
export function permLabel(p: string): string {
  const key = permKey(p)
  return i18n.global.te(key) ? i18n.global.t(key) : p
}
export const roleKey = (r: string) => `role.${r}`
export const kindKey = (k: string) => `kind.${k}`
