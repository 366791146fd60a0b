// The web console in a real browser against a real server (scripts/e2e.sh starts both).
// The tests run in order and build on each other: the unit and user created by admin
// are used to sign in as that user later.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, PASSWORD, apiSession, launch, pageProblems, shot, signIn } from './harness.mjs'
import { customerTests } from './customers.mjs'
import { classTests } from './classes.mjs'
import { ticketTests } from './tickets.mjs'
import { sanctionTests } from './sanctions.mjs'
import { publicTests } from './public.mjs'
import { callbackTests } from './callbacks.mjs'
import { surveyTests } from './surveys.mjs'

const T = { timeout: 60_000 }
const NEW_UNIT = { name: '上海张江店', code: 'SH-ZJ' }
const NEW_USER = { username: 'e2e.agent', name: '测试客服', password: 'Kefu2026x', phone: '13812345678' }

let chrome
before(async () => {
  chrome = await launch()
})
after(async () => {
  await chrome?.close()
})

const text = (page, testId) => page.getByTestId(testId).innerText()
const menuKeys = (page) =>
  page.locator('[data-testid=side-menu] [data-testid^=menu-]').evaluateAll((els) => els.map((e) => e.dataset.testid.slice(5)))

describe('kefu web console', () => {
  test('first page load is fast on loopback (printed, not asserted)', T, async () => {
    // Three first visits, each in a new browser context (empty cache, no cookies), to
    // http://host/ which the console sends on to /login; then one reload with a warm cache.
    const ms = (v) => `${Math.round(v)} ms`
    const measure = (page) =>
      page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0]
        const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN
        return { load: nav.loadEventEnd - nav.startTime, form: mark('kefu:login-form'), painted: mark('kefu:login-painted') }
      })
    const cold = []
    let page
    for (let i = 0; i < 3; i++) {
      if (page) await page.context().close()
      page = await chrome.page()
      await page.goto(`${BASE}/`, { waitUntil: 'load' })
      await page.getByTestId('login-form').waitFor({ state: 'visible' })
      await page.waitForFunction(() => performance.getEntriesByName('kefu:login-painted').length > 0)
      cold.push(await measure(page))
    }
    await page.reload({ waitUntil: 'load' })
    await page.getByTestId('login-form').waitFor({ state: 'visible' })
    await page.waitForFunction(() => performance.getEntriesByName('kefu:login-painted').length > 0)
    const warm = await measure(page)
    const median = (k) => [...cold.map((c) => c[k])].sort((a, b) => a - b)[1]
    console.log(
      `[e2e] first page load on loopback, from navigation start (GET / → /login):\n` +
        cold.map((c, i) => `[e2e]   empty cache #${i + 1}: load event ${ms(c.load)}, sign-in form on screen ${ms(c.painted)} (in the DOM ${ms(c.form)})`).join('\n') +
        `\n[e2e]   median, empty cache: load event ${ms(median('load'))}, sign-in form on screen ${ms(median('painted'))}` +
        `\n[e2e]   reload, warm cache: load event ${ms(warm.load)}, sign-in form on screen ${ms(warm.painted)}`,
    )
    assert.match(page.url(), /\/login$/)
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    assert.match(await page.locator('h1').innerText(), /客服管理系统/)
    await shot(page, '01-login')
    await page.context().close()
  })

  test('a wrong password shows the server’s error, in Chinese', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'viewer', 'wrong-password1', { expectHome: false })
    const err = page.getByTestId('login-error')
    await err.waitFor()
    assert.match(await err.innerText(), /用户名或密码错误/)
    assert.match(page.url(), /\/login/)
    await shot(page, '02-login-wrong-password')
    // Client-side check: empty fields are flagged without asking the server.
    await page.getByTestId('login-username').fill('')
    await page.getByTestId('login-submit').click()
    await page.locator('.el-form-item__error').first().waitFor()
    await page.context().close()
  })

  test('admin signs in with the keyboard and sees the home page and the admin menu', T, async () => {
    const page = await chrome.page()
    await page.goto(`${BASE}/login`)
    await page.getByTestId('login-username').waitFor()
    // autofocus on the user name; Tab to the password; Enter submits.
    await page.keyboard.type('admin')
    await page.keyboard.press('Tab')
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press('Enter')
    await page.getByTestId('home').waitFor()
    assert.equal(new URL(page.url()).pathname, '/')
    assert.match(await text(page, 'header-user'), /系统管理员/)
    assert.match(await text(page, 'home-roles'), /管理员/)
    assert.match(await text(page, 'home-permissions'), /org\.user\.write/)
    assert.deepEqual(await menuKeys(page), ['home', 'customers', 'customerList', 'duplicates', 'customerImport', 'classifications', 'assetTypes', 'tickets', 'ticketQueues', 'ticketNew', 'ticketStats', 'ticketSanctions', 'ticketCategories', 'rootCauses', 'slaPolicies', 'callbacks', 'callbackWorkbench', 'callbackKpis', 'surveys', 'surveyReport', 'questionnaires', 'benchmarks', 'admin', 'units', 'users', 'tokens', 'audit', 'calendars', 'callbackRules'])
    await page.locator('canvas').first().waitFor() // the ECharts chart of the home page
    await shot(page, '03-admin-home')
    await page.context().close()
  })

  test('admin opens the working calendars: 2026 holidays, 2027 marked provisional', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'admin')
    await page.getByTestId('menu-admin').getByText('工作日历').click()
    await page.getByTestId('calendar-table').getByText('中国大陆标准工时').waitFor()
    await page.locator('[data-testid^=calendar-days-]').first().click()
    const year = page.getByTestId('calendar-year').locator('input')
    await year.fill('2026')
    await year.press('Enter')
    // 2026: 33 days off and 6 make-up days, none provisional
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=calendar-days] .el-table__body tr').length === 39)
    assert.equal(await page.getByTestId('calendar-provisional').count(), 0)
    await year.fill('2027')
    await year.press('Enter')
    await page.getByTestId('calendar-provisional').waitFor()
    await page.getByTestId('calendar-preview').click()
    assert.match(await text(page, 'calendar-preview-result'), /到期时间/)
    await shot(page, '03b-admin-calendars')
    await page.context().close()
  })

  test('admin creates an org unit (server field error shown on the field first)', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'admin')
    await page.getByTestId('menu-admin').getByText('组织架构').click()
    await page.getByTestId('units-page').waitFor()
    await page.locator('[data-unit-code="SH"]').click()
    await page.getByTestId('unit-name').getByText('上海分部').waitFor()
    await page.getByTestId('unit-create').click()
    const dialog = page.getByTestId('unit-create-dialog')
    await dialog.waitFor()
    // Client-side validation mirrors the server: a bad code is refused before sending.
    await page.getByTestId('unit-form-name').fill(NEW_UNIT.name)
    await page.getByTestId('unit-form-code').fill('浦东')
    await page.getByTestId('unit-form-submit').click()
    await dialog.getByText('编码只能包含字母、数字、- 和 _').waitFor()
    // A code already taken is refused by the server (409): its message lands on the field.
    await page.getByTestId('unit-form-code').fill('SH')
    await dialog.getByText('门店', { exact: true }).click()
    await page.getByTestId('unit-form-submit').click()
    await dialog.getByText('编码 SH 已被其他组织单元使用').waitFor()
    await shot(page, '04-unit-code-taken')
    await page.getByTestId('unit-form-code').fill(NEW_UNIT.code)
    await page.getByTestId('unit-form-submit').click()
    await page.getByTestId('unit-name').getByText(NEW_UNIT.name).waitFor()
    await page.locator(`[data-unit-code="${NEW_UNIT.code}"]`).waitFor()
    await shot(page, '05-unit-created')
    // move it under 杭州分部 and back: the parent changes in the details
    const move = async (toName) => {
      await page.getByTestId('unit-move').click()
      await page.locator('.el-dialog:visible .el-select__wrapper').click()
      await page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: toName }).first().click()
      await page.getByTestId('unit-move-submit').click()
      await page.getByTestId('unit-details').getByText(`示例集团 / 华东大区 / ${toName}`).waitFor()
    }
    await move('杭州分部')
    await move('上海分部')
    // a unit with active sub-units cannot be deactivated: the server says why (409)
    await page.locator('[data-unit-code="SH"]').click()
    await page.getByTestId('unit-name').getByText('上海分部').waitFor()
    await page.getByTestId('unit-deactivate').click()
    await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
    await page.locator('.el-message--error').getByText('该单元下还有启用的下级单元或用户').waitFor()
    await page.context().close()
  })

  test('admin creates a user in the new unit', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'admin')
    await page.getByTestId('menu-admin').getByText('用户管理').click()
    await page.getByTestId('users-page').waitFor()
    await page.getByTestId('user-table').getByText('agent.zhang').waitFor()
    await page.getByTestId('user-create').click()
    const dialog = page.getByTestId('user-dialog')
    await dialog.waitFor()
    await page.getByTestId('user-form-username').fill(NEW_USER.username)
    await page.getByTestId('user-form-display-name').fill(NEW_USER.name)
    await page.getByTestId('user-form-password').fill(NEW_USER.password)
    // the unit: open the tree select, filter by name, pick the new store
    await dialog.locator('.el-form-item', { hasText: '所属单元' }).locator('.el-select__wrapper').click()
    await page.keyboard.type('张江')
    await page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: NEW_UNIT.name }).click()
    // a bad phone number is caught in the browser
    await page.getByTestId('user-form-phone').fill('12345')
    await page.getByTestId('user-form-submit').click()
    await dialog.getByText('请输入 11 位手机号或带区号的固定电话').waitFor()
    await page.getByTestId('user-form-phone').fill(NEW_USER.phone)
    await shot(page, '06-user-create-dialog')
    await page.getByTestId('user-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId('user-table').getByText(NEW_USER.username).waitFor()
    const row = page.locator('.el-table__row', { hasText: NEW_USER.username }).first()
    assert.match(await row.innerText(), new RegExp(NEW_UNIT.name))
    assert.match(await row.innerText(), /13812345678/) // admin has org.user.pii: unmasked
    await shot(page, '07-users-list')
    // edit: add an e-mail address
    await page.getByTestId(`user-edit-${NEW_USER.username}`).click()
    await page.getByTestId('user-form-email').fill('e2e.agent@example.com')
    await page.getByTestId('user-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await row.getByText('e2e.agent@example.com').waitFor()
    await page.context().close()
  })

  test('the new agent sees only what the role allows', T, async () => {
    const page = await chrome.page()
    await signIn(page, NEW_USER.username, NEW_USER.password)
    assert.match(await text(page, 'header-user'), new RegExp(NEW_USER.name))
    assert.match(await text(page, 'header-unit'), new RegExp(NEW_UNIT.name))
    assert.match(await text(page, 'home-roles'), /客服/)
    assert.deepEqual(await menuKeys(page), ['home', 'customers', 'customerList', 'duplicates', 'customerImport', 'classifications', 'tickets', 'ticketQueues', 'ticketNew', 'ticketStats', 'ticketSanctions', 'callbacks', 'callbackWorkbench', 'callbackKpis', 'surveys', 'surveyReport']) // no 系统管理
    assert.equal(await page.getByText('系统管理').count(), 0)
    await shot(page, '08-agent-home')
    await page.goto(`${BASE}/admin/users`)
    await page.getByTestId('page-403').waitFor()
    assert.match(await page.getByTestId('page-403').innerText(), /无权访问/)
    assert.equal(new URL(page.url()).pathname, '/admin/users') // the address stays
    await shot(page, '09-agent-403')
    await page.goto(`${BASE}/no/such/page`)
    await page.getByTestId('page-404').waitFor()
    await shot(page, '10-not-found')
    await page.context().close()
  })

  test('a supervisor reads users with masked phones and cannot change them', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'supervisor.sh')
    assert.deepEqual(await menuKeys(page), ['home', 'customers', 'customerList', 'duplicates', 'customerImport', 'classifications', 'tickets', 'ticketQueues', 'ticketNew', 'ticketStats', 'ticketSanctions', 'callbacks', 'callbackWorkbench', 'callbackKpis', 'surveys', 'surveyReport', 'admin', 'units', 'users', 'tokens', 'callbackRules'])
    await page.goto(`${BASE}/admin/users`)
    await page.getByTestId('user-table').getByText('agent.zhang').waitFor()
    const row = page.locator('.el-table__row', { hasText: 'agent.zhang' }).first()
    assert.match(await row.innerText(), /\d{3}\*{4}\d{4}/)
    assert.equal(await page.getByTestId('user-create').count(), 0)
    await shot(page, '11-supervisor-users')
    await page.context().close()
  })

  test('switch to English and back', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'admin')
    await page.getByTestId('lang-en').click()
    await page.getByTestId('side-menu').getByText('Administration').waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'en')
    assert.match(await text(page, 'home-greeting'), /Hello/)
    await page.getByTestId('side-menu').getByText('Organisation').click()
    await page.getByTestId('units-page').waitFor()
    await page.getByRole('heading', { name: 'Organisation', exact: true }).waitFor()
    await shot(page, '12-english-units')
    // the language survives a reload, and server messages follow it
    await page.reload()
    await page.getByTestId('side-menu').getByText('Users').click()
    await page.getByTestId('user-create').click()
    await page.getByTestId('user-form-username').fill('agent.zhang')
    await page.getByTestId('user-form-display-name').fill('Dup')
    await page.getByTestId('user-form-password').fill('Kefu2026x')
    await page.getByTestId('user-form-submit').click()
    await page.getByTestId('user-dialog').getByText('The user name agent.zhang is taken.').waitFor()
    await shot(page, '13-english-server-error')
    await page.keyboard.press('Escape')
    await page.getByTestId('user-dialog').waitFor({ state: 'hidden' })
    await page.getByTestId('lang-zh-CN').click()
    await page.getByTestId('side-menu').getByText('系统管理').waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    await shot(page, '14-back-to-chinese')
    await page.context().close()
  })

  test('sign out', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'admin')
    await page.getByTestId('user-menu').click()
    await page.getByTestId('sign-out').click()
    await page.getByTestId('login-form').waitFor()
    assert.match(await text(page, 'login-notice'), /已退出登录/)
    await shot(page, '15-signed-out')
    // the session is gone on the server too: a protected page goes back to sign-in
    await page.goto(`${BASE}/admin/units`)
    await page.getByTestId('login-form').waitFor()
    assert.equal(new URL(page.url()).searchParams.get('redirect'), '/admin/units')
    await page.context().close()
  })

  test('an expired session returns to sign-in, then back to the page', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'admin')
    await page.getByTestId('menu-admin').getByText('组织架构').click()
    await page.getByTestId('units-page').waitFor()
    // Move the server's clock past the idle timeout (120 minutes).
    const admin = await apiSession('admin')
    await admin.post('/api/v1/test/clock', { advance_ms: 3 * 3600 * 1000 })
    await page.getByTestId('menu-admin').getByText('用户管理').click()
    await page.getByTestId('login-form').waitFor()
    const url = new URL(page.url())
    assert.equal(url.pathname, '/login')
    assert.equal(url.searchParams.get('redirect'), '/admin/users')
    assert.match(await text(page, 'login-notice'), /登录已过期/)
    await shot(page, '16-session-expired')
    await signIn(page, 'admin', PASSWORD, { expectHome: false })
    await page.getByTestId('users-page').waitFor()
    assert.equal(new URL(page.url()).pathname, '/admin/users')
    await page.context().close()
  })

  test('API tokens: created token shown once, then revoked', T, async () => {
    const page = await chrome.page()
    await signIn(page, 'admin')
    await page.goto(`${BASE}/admin/tokens`)
    await page.getByTestId('token-create').click()
    await page.getByTestId('token-form-name').fill('呼叫中心对接')
    await page.getByTestId('token-form-submit').click()
    const value = await page.getByTestId('token-value').inputValue()
    assert.match(value, /^kefu_[0-9a-f]{48}$/)
    await shot(page, '17-token-issued')
    await page.getByTestId('token-issued').getByRole('button', { name: '关闭' }).last().click()
    const row = page.locator('.el-table__row', { hasText: '呼叫中心对接' })
    await row.waitFor()
    assert.ok(!(await page.content()).includes(value), 'the secret is not shown again')
    await row.getByRole('button', { name: '吊销' }).click()
    await page.locator('.el-message-box').getByRole('button', { name: '吊销' }).click()
    await row.getByText('已吊销').waitFor()
    // ... and both show in the audit log, newest first
    await page.getByTestId('menu-admin').getByText('审计日志').click()
    const audit = page.getByTestId('audit-table')
    await audit.locator('.el-table__row').first().waitFor()
    assert.match(await audit.locator('.el-table__row').first().innerText(), /auth\.token\.revoke|api_token/)
    await audit.locator('.el-table__row').first().locator('.el-table__expand-icon').click()
    await shot(page, '18-audit-log')
    await page.context().close()
  })

  customerTests(() => chrome)
  classTests(() => chrome)
  ticketTests(() => chrome)
  sanctionTests(() => chrome)
  publicTests(() => chrome)
  callbackTests(() => chrome)
  surveyTests(() => chrome)

  test('no script errors or Content-Security-Policy refusals on any page', () => {
    assert.deepEqual(pageProblems, [])
  })
})
