import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from '@/stores/session'
import { safeRedirect } from '@/lib/redirect'
import { i18n } from '@/i18n'
// The sign-in page is the first page most visits show: part of the main bundle.
import LoginView from '@/views/LoginView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    menu?: string // key in lib/menu.ts: the page needs that entry's permissions
    title?: string // i18n key
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'login.title' } },
  { path: '/public/complaint', name: 'public-complaint', component: () => import('@/views/public/PublicComplaintView.vue'), meta: { public: true, title: 'public.form.title' } },
  { path: '/public/survey/:token', name: 'public-survey', component: () => import('@/views/public/PublicSurveyView.vue'), meta: { public: true, title: 'callbacks.publicSurvey.title' } },
  { path: '/public/tickets/:number', name: 'public-ticket', component: () => import('@/views/public/PublicTicketView.vue'), meta: { public: true, title: 'public.status.title' } },
  {
    path: '/',
    component: () => import('@/layouts/AppShell.vue'),
    children: [
      { path: '', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { menu: 'home', title: 'menu.home' } },
      { path: 'customers', name: 'customers', component: () => import('@/views/customers/CustomerListView.vue'), meta: { menu: 'customers.customerList', title: 'menu.customerList' } },
      { path: 'customers/duplicates', name: 'customer-duplicates', component: () => import('@/views/customers/DuplicatesView.vue'), meta: { menu: 'customers.duplicates', title: 'menu.duplicates' } },
      { path: 'customers/import', name: 'customer-import', component: () => import('@/views/customers/CustomerImportView.vue'), meta: { menu: 'customers.customerImport', title: 'menu.customerImport' } },
      { path: 'customers/classifications', name: 'classifications', component: () => import('@/views/customers/ClassificationsView.vue'), meta: { menu: 'customers.classifications', title: 'menu.classifications' } },
      { path: 'customers/asset-types', name: 'asset-types', component: () => import('@/views/customers/AssetTypesView.vue'), meta: { menu: 'customers.assetTypes', title: 'menu.assetTypes' } },
      { path: 'customers/:id(\\d+)', name: 'customer', component: () => import('@/views/customers/CustomerView.vue'), meta: { menu: 'customers.customerList', title: 'customers.detailTitle' } },
      { path: 'tickets', name: 'tickets', component: () => import('@/views/tickets/TicketQueueView.vue'), meta: { menu: 'tickets.ticketQueues', title: 'menu.ticketQueues' } },
      { path: 'tickets/new', name: 'ticket-new', component: () => import('@/views/tickets/TicketNewView.vue'), meta: { menu: 'tickets.ticketNew', title: 'menu.ticketNew' } },
      { path: 'tickets/stats', name: 'ticket-stats', component: () => import('@/views/tickets/TicketStatsView.vue'), meta: { menu: 'tickets.ticketStats', title: 'menu.ticketStats' } },
      { path: 'tickets/sanctions', name: 'ticket-sanctions', component: () => import('@/views/tickets/SanctionLedgerView.vue'), meta: { menu: 'tickets.ticketSanctions', title: 'menu.ticketSanctions' } },
      { path: 'tickets/categories', name: 'ticket-categories', component: () => import('@/views/tickets/TicketCategoriesView.vue'), meta: { menu: 'tickets.ticketCategories', title: 'menu.ticketCategories' } },
      { path: 'tickets/root-causes', name: 'ticket-root-causes', component: () => import('@/views/tickets/RootCausesView.vue'), meta: { menu: 'tickets.rootCauses', title: 'menu.rootCauses' } },
      { path: 'tickets/sla-policies', name: 'sla-policies', component: () => import('@/views/tickets/SlaPoliciesView.vue'), meta: { menu: 'tickets.slaPolicies', title: 'menu.slaPolicies' } },
      { path: 'tickets/:id(\\d+)', name: 'ticket', component: () => import('@/views/tickets/TicketView.vue'), meta: { menu: 'tickets.ticketQueues', title: 'tickets.detail.title' } },
      { path: 'callbacks', name: 'callbacks', component: () => import('@/views/callbacks/CallbackQueueView.vue'), meta: { menu: 'callbacks.callbackWorkbench', title: 'menu.callbackWorkbench' } },
      { path: 'callbacks/kpis', name: 'callback-kpis', component: () => import('@/views/callbacks/CallbackKpisView.vue'), meta: { menu: 'callbacks.callbackKpis', title: 'menu.callbackKpis' } },
      { path: 'callbacks/:id(\\d+)', name: 'callback', component: () => import('@/views/callbacks/CallbackTaskView.vue'), meta: { menu: 'callbacks.callbackWorkbench', title: 'callbacks.task.title' } },
      { path: 'surveys/report', name: 'survey-report', component: () => import('@/views/surveys/SurveyReportView.vue'), meta: { menu: 'surveys.surveyReport', title: 'menu.surveyReport' } },
      { path: 'surveys/questionnaires', name: 'questionnaires', component: () => import('@/views/surveys/QuestionnairesView.vue'), meta: { menu: 'surveys.questionnaires', title: 'menu.questionnaires' } },
      { path: 'surveys/questionnaires/new', name: 'questionnaire-new', component: () => import('@/views/surveys/QuestionnaireEditView.vue'), meta: { menu: 'surveys.questionnaires', title: 'surveys.editor.titleNew' } },
      { path: 'surveys/questionnaires/:id(\\d+)', name: 'questionnaire', component: () => import('@/views/surveys/QuestionnaireEditView.vue'), meta: { menu: 'surveys.questionnaires', title: 'menu.questionnaires' } },
      { path: 'surveys/benchmarks', name: 'survey-benchmarks', component: () => import('@/views/surveys/BenchmarksView.vue'), meta: { menu: 'surveys.benchmarks', title: 'menu.benchmarks' } },
      { path: 'admin', redirect: '/admin/units' },
      { path: 'admin/units', name: 'units', component: () => import('@/views/admin/UnitsView.vue'), meta: { menu: 'admin.units', title: 'menu.units' } },
      { path: 'admin/users', name: 'users', component: () => import('@/views/admin/UsersView.vue'), meta: { menu: 'admin.users', title: 'menu.users' } },
      { path: 'admin/tokens', name: 'tokens', component: () => import('@/views/admin/TokensView.vue'), meta: { menu: 'admin.tokens', title: 'menu.tokens' } },
      { path: 'admin/audit', name: 'audit', component: () => import('@/views/admin/AuditView.vue'), meta: { menu: 'admin.audit', title: 'menu.audit' } },
      { path: 'admin/calendars', name: 'calendars', component: () => import('@/views/admin/CalendarsView.vue'), meta: { menu: 'admin.calendars', title: 'menu.calendars' } },
      { path: 'admin/rules', name: 'rules', component: () => import('@/views/callbacks/RulesView.vue'), meta: { menu: 'admin.callbackRules', title: 'menu.callbackRules' } },
      { path: '403', name: 'forbidden', component: () => import('@/views/ForbiddenView.vue'), meta: { title: 'menu.forbidden' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'menu.notFound' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const session = useSession()
  if (!session.loaded) {
    try {
      await session.load()
    } catch {
      /* server unreachable: treat as signed out; the sign-in page says why when used */
    }
  }
  if (to.meta.public) {
    if (to.name === 'login' && session.me) return safeRedirect(to.query.redirect)
    return true
  }
  if (!session.me) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  return true
})

export function pageTitle(key: string | undefined): string {
  const t = i18n.global.t
  return key ? `${t(key)} · ${t('app.name')}` : t('app.name')
}

router.afterEach((to) => {
  document.title = pageTitle(to.meta.title)
})
