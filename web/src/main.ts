import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
import './styles.css'
import App from './App.vue'
import { i18n, currentLang } from './i18n'
import { router } from './router'
import { configureApi } from './api/client'
import { useSession } from './stores/session'
import { useUnits } from './stores/units'
import { usePeople } from './stores/people'
import { useAssetTypes } from './stores/assetTypes'
import { useTicketRefs } from './stores/ticketRefs'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n).use(router)

const session = useSession(pinia)
const units = useUnits(pinia)
const people = usePeople(pinia)
const assetTypes = useAssetTypes(pinia)
const ticketRefs = useTicketRefs(pinia)
configureApi({
  language: currentLang,
  csrfToken: () => session.csrfToken,
  // The session has ended (expired, signed out elsewhere, password reset): back to the
  // sign-in page, remembering where the user was.
  onUnauthorized: () => {
    if (!session.me) return
    session.clear()
    units.reset()
    people.reset()
    assetTypes.reset()
    ticketRefs.reset()
    const here = router.currentRoute.value
    if (here.meta.public) return
    router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
  },
})

app.mount('#app')
