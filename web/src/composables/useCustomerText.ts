// How customer data reads on screen: unit and owner names, labels of enum values, and the
// colour of a completeness score. Shared by the customer pages and dialogs.
import { useI18n } from 'vue-i18n'
import { useSession } from '@/stores/session'
import { useUnits } from '@/stores/units'
import { usePeople } from '@/stores/people'
import { useAssetTypes } from '@/stores/assetTypes'
import { unitPath } from '@/lib/tree'
import { typeName } from '@/lib/assetForm'

export function useCustomerText() {
  const { t, te, locale } = useI18n()
  const session = useSession()
  const units = useUnits()
  const people = usePeople()
  const assetTypes = useAssetTypes()

  const known = (key: string, fallback: string) => (te(key) ? t(key) : fallback)

  return {
    unitName: (id: number) => units.byId.get(id)?.name ?? `#${id}`,
    unitTitle: (id: number) => (units.loaded ? unitPath(units.byId, id) : ''),
    ownerName(id: number | null | undefined): string {
      if (id === null || id === undefined) return ''
      const name = people.byId.get(id)?.display_name
      if (id === session.user?.id) return t('customers.me', { name: name ?? '' })
      return name ?? t('customers.userN', { id })
    },
    phoneLabel: (label: string) => (label ? known(`customers.phoneLabel.${label}`, label) : ''),
    optionLabel: (o: string) => known(`customers.option.${o}`, o),
    attrLabel: (k: string) => known(`customers.eventAttr.${k}`, k),
    typeLabel: (code: string) => typeName(assetTypes.byCode.get(code), locale.value, code),
    scoreColor: (score: number): string => (score >= 100 ? 'var(--el-color-success)' : score >= 60 ? 'var(--el-color-warning)' : 'var(--el-color-danger)'),
    scoreStatus: (score: number): 'success' | 'warning' | 'exception' => (score >= 100 ? 'success' : score >= 60 ? 'warning' : 'exception'),
  }
}
