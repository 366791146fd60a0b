// Callbacks in the browser: a rule on vehicle.delivered (store_purchase questionnaire)
// makes four tasks for one agent of a new store; the agent works three of them from the
// queue with the keyboard only (one answered in full, one no answer, one call back
// later), and the server's state is checked after each; a survey link is sent for the
// fourth, opened on a phone-sized page and answered with taps; a reload says it was
// answered. Then the KPI page and the rules editor. Screenshots go to docs/screenshots/.
// Last, skills and the live stream: the admin gives the agent a skill on the users page, a
// rule requiring it hands the agent a task that appears in their open queue with a
// notification (no reload); a task requiring a skill nobody has waits unassigned, and the
// supervisor forces it onto the agent, who is told at once.
// Registered inside console.test.mjs's suite (one server, one Chromium), after the public
// pages; `KEFU_E2E_GREP=callbacks scripts/e2e.sh` runs it alone.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BASE, apiSession, shot, signIn } from './harness.mjs'

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots')
mkdirSync(DOCS, { recursive: true })
const T = { timeout: 120_000 }
const PASSWORD = 'Kefu2026c'
const HOUR = 3600_000
const AGENT = { username: 'e2e.caller', display_name: '何回访', roles: ['agent'] }
const LEAD = { username: 'e2e.cblead', display_name: '韩主管', roles: ['supervisor'] }
const CUSTOMERS = [
  { name: '李建国', gender: 'male', phone: '13911110001', plate: '沪A·D1001' },
  { name: '王芳', gender: 'female', phone: '13911110002', plate: '沪A·D1002' },
  { name: '张伟', gender: 'male', phone: '13911110003', plate: '沪A·D1003' },
  { name: '陈静', gender: 'female', phone: '13911110004', plate: '沪A·D1004' },
]

// Shanghai wall-clock parts of an instant.
const sh = (ms) => {
  const d = new Date(ms + 8 * HOUR)
  return { day: d.toISOString().slice(0, 10), hour: d.getUTCHours() + d.getUTCMinutes() / 60 }
}

async function docShot(page, name) {
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 6000 }).catch(() => {})
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: false })
}

export function callbackTests(chrome) {
  const ctx = { unit: null, rule: null, customers: [], tasks: [], now: 0 }
  let admin

  test('callbacks: admin sets up a store, its agent and supervisor, a rule and four deliveries', T, async () => {
    admin = await apiSession('admin')
    // Calls are not offered in quiet hours (21:00–09:00 in Shanghai): work in the daytime.
    let clock = await admin.get('/api/v1/test/clock')
    const at = sh(clock.now)
    if (at.hour < 9.5 || at.hour >= 19) {
      const next = Date.parse(`${at.day}T10:00:00+08:00`) + (at.hour >= 19 ? 24 * HOUR : 0)
      await admin.post('/api/v1/test/clock', { advance_ms: next - clock.now })
      admin = await apiSession('admin') // sessions live on the same clock
      clock = await admin.get('/api/v1/test/clock')
    }
    ctx.now = clock.now
    const units = (await admin.get('/api/v1/org/units?limit=200')).items
    const sh0 = units.find((u) => u.code === 'SH')
    assert.ok(sh0, 'the demo has 上海分部')
    ctx.unit = await admin.post('/api/v1/org/units', { parent_id: sh0.id, code: 'SH-CB', name: '上海浦东交付中心', kind: 'store' })
    for (const u of [AGENT, LEAD]) {
      u.user = await admin.post('/api/v1/users', { username: u.username, display_name: u.display_name, password: PASSWORD, unit_id: ctx.unit.id, roles: u.roles })
    }
    // The demo's own delivery rule (SSI, 23 questions) would make these tasks first: it
    // rests while this test runs and is switched on again at the end.
    const rules = (await admin.get('/api/v1/rules')).items
    ctx.paused = rules.filter((r) => r.active && r.definition.trigger.event === 'vehicle.delivered')
    for (const r of ctx.paused) await admin.patch(`/api/v1/rules/${r.id}`, { active: false })
    ctx.rule = await admin.post('/api/v1/rules', {
      code: 'e2e-delivery-24h',
      name: '新车交付 24 小时回访',
      unit_id: ctx.unit.id,
      definition: {
        trigger: { event: 'vehicle.delivered' },
        conditions: [],
        delay: { unit: 'hours', amount: 0 },
        due: { unit: 'hours', amount: 24 },
        priority: 5,
        action: 'callback',
        params: { questionnaire: 'store_purchase', max_attempts: 3, retry_minutes: 120, assign: 'balanced' },
      },
    })
    // Deliveries 40, 30, 20 and 10 minutes ago: the queue offers them in that order.
    for (const [i, c] of CUSTOMERS.entries()) {
      const customer = await admin.post('/api/v1/customers', { name: c.name, gender: c.gender, unit_id: ctx.unit.id, phones: [{ number: c.phone }] })
      const car = await admin.post(`/api/v1/customers/${customer.id}/assets`, { type: 'vehicle', attrs: { plate: c.plate, model: '途观L' } })
      await admin.post(`/api/v1/customers/${customer.id}/events`, { kind: 'delivery', occurred_at: ctx.now - (40 - i * 10) * 60_000, unit_id: ctx.unit.id, asset_id: car.id })
      ctx.customers.push(customer)
    }
    // The rules consumer turns the events into tasks, balanced over the store's one agent.
    const agent = await apiSession(AGENT.username, PASSWORD)
    const deadline = Date.now() + 20_000
    let queue
    do {
      queue = await agent.get('/api/v1/callbacks?view=mine')
      if (queue.items.length >= 4) break
      await new Promise((r) => setTimeout(r, 250))
    } while (Date.now() < deadline)
    assert.equal(queue.items.length, 4, `four tasks for the agent: ${JSON.stringify(queue)}`)
    ctx.tasks = queue.items
    assert.deepEqual(
      ctx.tasks.map((t) => t.customer_name),
      CUSTOMERS.map((c) => c.name),
      'ordered by due time',
    )
    for (const t of ctx.tasks) {
      assert.equal(t.assignee_id, AGENT.user.id)
      assert.equal(t.questionnaire_name, '门店购物回访')
    }
  })

  test('callbacks: the agent works three tasks from the queue with the keyboard only', { timeout: 180_000 }, async () => {
    const page = await chrome().page()
    await signIn(page, AGENT.username, PASSWORD)
    // The menu leads to the workbench.
    await page.getByTestId('menu-callbacks').getByText('回访工作台').waitFor()
    await page.goto(`${BASE}/callbacks`)
    await page.getByTestId('callbacks-page').waitFor()
    const table = page.getByTestId('callbacks-table')
    await table.locator('.el-table__row').nth(3).waitFor()
    assert.match(await table.locator('.el-table__row').first().innerText(), /李建国/)
    assert.match(await table.innerText(), /门店购物回访/)
    assert.match(await table.innerText(), /0\/3/)
    await docShot(page, 'callbacks-queue')

    // 1. Enter opens the first task (the queue has the focus and its first row chosen).
    const wrap = page.getByTestId('callbacks-table-wrap')
    assert.equal(await wrap.evaluate((el) => el === document.activeElement), true, 'the queue has the keyboard')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${BASE}/callbacks/${ctx.tasks[0].id}`)
    await page.getByTestId('callback-form').waitFor()
    assert.match(await page.getByTestId('script-opening').innerText(), /李建国/)
    // The questionnaire takes the keyboard: 5 5 4 5 5 on the 1–5 scales, y for the hotline, y satisfied.
    await page.locator('[data-question=s01]').waitFor()
    await page.waitForFunction(() => document.activeElement?.closest('[data-question]')?.getAttribute('data-question') === 's01')
    for (const k of ['5', '5', '4', '5', '5', 'y', 'y']) {
      await page.keyboard.press(k)
      await page.waitForTimeout(60)
    }
    await page.keyboard.type('导购很专业')
    await page.getByTestId('closing-preview').getByText('满意', { exact: true }).waitFor()
    assert.match(await page.getByTestId('script-closing-satisfied').innerText(), /感谢您的支持/)
    // The whole script in one picture: opening, questions, the satisfied closing.
    await page.setViewportSize({ width: 1366, height: 1560 })
    await page.evaluate(() => document.querySelector('[data-testid=callback-script]')?.scrollIntoView({ block: 'start' }))
    await docShot(page, 'callbacks-task')
    await page.setViewportSize({ width: 1366, height: 820 })
    await page.keyboard.press('Alt+1')
    await page.waitForURL(`${BASE}/callbacks/${ctx.tasks[1].id}`)
    await page.getByTestId('script-opening').getByText(/王芳/).waitFor()

    // 2. No answer: Alt+2.
    await page.keyboard.press('Alt+2')
    await page.waitForURL(`${BASE}/callbacks/${ctx.tasks[2].id}`)
    await page.getByTestId('script-opening').getByText(/张伟/).waitFor()

    // 3. Call back later: Alt+6 opens the time (tomorrow 10:00 preset), Enter saves it.
    await page.keyboard.press('Alt+6')
    const dialog = page.getByTestId('callback-later-dialog')
    await dialog.waitFor()
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'callback-later-submit')
    const agreed = await dialog.locator('input').first().inputValue()
    await page.keyboard.press('Enter')
    await page.waitForURL(`${BASE}/callbacks/${ctx.tasks[3].id}`)
    await page.getByTestId('script-opening').getByText(/陈静/).waitFor()

    // The server's side of it.
    const get = (t) => admin.get(`/api/v1/callbacks/${t.id}`)
    const [one, two, three] = await Promise.all(ctx.tasks.slice(0, 3).map(get))
    assert.equal(one.state, 'done')
    assert.equal(one.last_outcome, 'answered')
    assert.equal(one.satisfied, true)
    assert.deepEqual(one.answer.answers, { s01: 5, s02: 5, s03: 4, s04: 5, s05: 5, s06: true, s07: true, s08: '导购很专业' })
    assert.equal(one.attempt_log.length, 1)
    assert.equal(two.state, 'pending')
    assert.equal(two.last_outcome, 'no_answer')
    assert.equal(two.attempts, 1)
    assert.ok(two.next_try_at > ctx.now, 'tried again later')
    assert.equal(three.state, 'pending')
    assert.equal(three.last_outcome, 'call_back_later')
    const tomorrow10 = Date.parse(`${sh(ctx.now + 24 * HOUR).day}T10:00:00+08:00`)
    assert.equal(agreed, `${sh(ctx.now + 24 * HOUR).day} 10:00`)
    assert.equal(three.next_try_at, tomorrow10)
    assert.equal(three.due_at, tomorrow10, 'the agreed time replaces the due time')
    assert.equal(three.attempt_log[0].call_back_at, tomorrow10)

    // The finished task shows its scores.
    await page.goto(`${BASE}/callbacks/${ctx.tasks[0].id}`)
    await page.getByTestId('callback-result').waitFor()
    assert.notEqual(await page.getByTestId('callback-overall').innerText(), '—')
    await page.context().close()
  })

  test('callbacks: a survey link for the fourth task, answered on a phone', T, async () => {
    const agent = await apiSession(AGENT.username, PASSWORD)
    const { link } = await agent.post(`/api/v1/callbacks/${ctx.tasks[3].id}/survey-link`, {})
    const token = link.split('/public/survey/')[1]
    assert.ok(token, link)
    const messages = await agent.get(`/api/v1/callbacks/${ctx.tasks[3].id}/messages`)
    assert.equal(messages.items.length, 1)

    const context = await chrome().browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const page = await context.newPage()
    await page.goto(`${BASE}/public/survey/${token}`)
    await page.getByTestId('public-survey').waitFor()
    assert.equal(await page.getByTestId('survey-greeting').innerText(), '陈女士，您好！')
    const pick = (q, v) => page.locator(`[data-question=${q}] [data-value="${v}"]`).tap()
    // Submitting too early says what is missing.
    await page.getByTestId('survey-submit').tap()
    await page.getByTestId('survey-incomplete').waitFor()
    for (const [q, v] of [['s01', 4], ['s02', 5], ['s03', 4], ['s04', 3], ['s05', 4], ['s06', 'no'], ['s07', 'yes']]) await pick(q, v)
    await page.getByTestId('survey-incomplete').waitFor({ state: 'detached' })
    await page.evaluate(() => window.scrollTo(0, 0))
    const noOverflow = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
    assert.ok(noOverflow, 'nothing wider than the phone')
    await docShot(page, 'public-survey')
    await page.getByTestId('survey-submit').tap()
    await page.getByTestId('survey-thanks').waitFor()
    await page.screenshot({ path: join(DOCS, 'public-survey-thanks.png') })
    const four = await admin.get(`/api/v1/callbacks/${ctx.tasks[3].id}`)
    assert.equal(four.state, 'done')
    assert.equal(four.channel, 'sms')
    assert.equal(four.answer.answers.s04, 3)
    // Once only: a reload says so, in the server's words.
    await page.reload()
    await page.getByTestId('survey-answered').waitFor()
    assert.match(await page.getByTestId('survey-answered').innerText(), /已提交过评价/)
    await page.goto(`${BASE}/public/survey/not-a-token`)
    await page.getByTestId('survey-invalid').waitFor()
    await context.close()
  })

  test('callbacks: the supervisor sees the team queue, the backlog and the KPIs', T, async () => {
    const page = await chrome().page()
    await signIn(page, LEAD.username, PASSWORD)
    await page.goto(`${BASE}/callbacks?tab=unit`)
    await page.getByTestId('callbacks-backlog').waitFor()
    await page.getByRole('tab', { name: '团队队列' }).waitFor()
    await page.getByTestId('callbacks-table').locator('.el-table__row').nth(1).waitFor()
    await docShot(page, 'callbacks-team')

    const day = sh(ctx.now).day
    await page.goto(`${BASE}/callbacks/kpis?from=${day.slice(0, 8)}01&to=${sh(ctx.now + 24 * HOUR).day}&group=day`)
    await page.getByTestId('kpis-table').locator('.el-table__row').first().waitFor()
    const lead = await apiSession(LEAD.username, PASSWORD)
    const kpis = await lead.get(`/api/v1/callbacks/kpis?from=${day.slice(0, 8)}01&to=${sh(ctx.now + 24 * HOUR).day}&group=day`)
    const rate = kpis.total.callback_rate === null ? '—' : `${kpis.total.callback_rate.toFixed(2)}%`
    assert.equal(await page.getByTestId('kpi-callbackRate').getByTestId('kpi-value').innerText(), rate)
    await page.getByTestId('kpis-chart').waitFor()
    await page.waitForTimeout(600) // the chart's animation
    await docShot(page, 'callbacks-kpis')
    // The table as a workbook (.xlsx: a zip whose sheet holds the Chinese headers).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kpis-export').click()])
    assert.match(download.suggestedFilename(), /^回访统计_.*\.xlsx$/)
    const file = join(DOCS, '..', '..', 'tests', 'e2e', 'screenshots', 'callbacks-kpis.xlsx')
    await download.saveAs(file)
    const bytes = readFileSync(file)
    assert.equal(bytes.subarray(0, 2).toString(), 'PK')
    assert.ok(bytes.includes(Buffer.from('回访率')), 'the headers are in the sheet')
    // A count leads to the tasks behind it.
    await page.getByTestId('kpis-due-__total').click()
    await page.waitForURL(/\/callbacks\?tab=all/)
    await page.getByTestId('callbacks-table').locator('.el-table__row').first().waitFor()
    await page.context().close()
  })

  test('callbacks: admin edits the rule, dry-runs it and sees its firings', T, async () => {
    const page = await chrome().page()
    await signIn(page, 'admin')
    await page.goto(`${BASE}/admin/rules`)
    const row = page.getByTestId('rules-table').locator('.el-table__row', { hasText: '新车交付 24 小时回访' })
    await row.waitFor()
    await row.getByText('门店购物回访').waitFor() // the questionnaire by name, not code
    await row.click()
    const editor = page.getByTestId('rule-editor')
    await editor.waitFor()
    await page.getByTestId('rule-firings').locator('.el-table__row').nth(3).waitFor()
    assert.match(await page.getByTestId('rule-firings').innerText(), /已生成任务/)
    await page.getByTestId('rule-dry-run').click()
    await page.getByTestId('rule-dry-result').waitFor()
    assert.match(await page.getByTestId('rule-dry-result').innerText(), /匹配 4 个/)
    await editor.scrollIntoViewIfNeeded()
    await docShot(page, 'rules-editor')

    // A date rule: the customers' birthdays, tried over the coming days (nothing written).
    await page.getByTestId('rule-create').click()
    await page.getByTestId('rule-trigger-kind').getByText('日期字段').click()
    await page.getByTestId('rule-date-field').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '生日' }).first().click()
    await page.getByTestId('rule-days-before').waitFor()
    await page.getByTestId('rule-dry-run').click()
    await page.getByTestId('rule-dry-result').waitFor()
    assert.match(await page.getByTestId('rule-dry-result').innerText(), /天/)
    await docShot(page, 'rules-date-trigger')
    await page.context().close()
    for (const r of ctx.paused) await admin.patch(`/api/v1/rules/${r.id}`, { active: true })
  })

  test('callbacks: skills on the users page, a task that needs them arrives live in the agent\'s queue', { timeout: 180_000 }, async () => {
    // The admin gives the agent the skill "vip" and capacity 2 on the users page.
    const page = await chrome().page()
    await signIn(page, 'admin')
    await page.goto(`${BASE}/admin/users`)
    await page.getByTestId('user-filter-q').fill(AGENT.username)
    await page.getByTestId('user-search').click()
    await page.getByTestId(`user-edit-${AGENT.username}`).click()
    const dialog = page.getByTestId('user-dialog')
    await dialog.waitFor()
    await page.getByTestId('user-form-skills').click()
    await page.keyboard.type('vip')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Escape')
    await page.getByTestId('user-form-capacity').locator('input').fill('2')
    await shot(page, 'users-skills-dialog')
    await page.getByTestId('user-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByTestId('user-table').getByText('vip').waitFor()
    await shot(page, 'users-skills')
    const saved = await admin.get(`/api/v1/users/${AGENT.user.id}`)
    assert.deepEqual(saved.skills, ['vip'])
    assert.equal(saved.capacity, 2)
    await page.context().close()

    // Purchases go to rules that need skills; the demo's own purchase rules rest meanwhile.
    const rules = (await admin.get('/api/v1/rules')).items
    const paused = rules.filter((r) => r.active && r.definition.trigger.event === 'sale.completed')
    for (const r of paused) await admin.patch(`/api/v1/rules/${r.id}`, { active: false })
    const vipRule = await admin.post('/api/v1/rules', {
      code: 'e2e-vip-purchase', name: '大客户购物回访', unit_id: ctx.unit.id,
      definition: { trigger: { event: 'sale.completed' }, conditions: [{ field: 'event.amount_fen', op: '>=', values: [1000000] }], delay: { unit: 'hours', amount: 0 }, due: { unit: 'hours', amount: 24 }, priority: 7, action: 'callback', params: { questionnaire: 'store_purchase', skills: ['vip'] } },
    })
    const enRule = await admin.post('/api/v1/rules', {
      code: 'e2e-en-purchase', name: '外籍客户购物回访', unit_id: ctx.unit.id,
      definition: { trigger: { event: 'sale.completed' }, conditions: [{ field: 'event.amount_fen', op: '<', values: [1000000] }], delay: { unit: 'hours', amount: 0 }, due: { unit: 'hours', amount: 24 }, priority: 5, action: 'callback', params: { questionnaire: 'store_purchase', skills: ['en'] } },
    })
    try {
      // The agent has the queue open.
      const agentPage = await chrome().page()
      await signIn(agentPage, AGENT.username, PASSWORD)
      await agentPage.goto(`${BASE}/callbacks`)
      await agentPage.getByTestId('callbacks-live-on').waitFor({ timeout: 15_000 })
      const before = await agentPage.getByTestId('callbacks-table').locator('.el-table__row').count()
      await agentPage.waitForTimeout(700) // the live feed starts from "now"

      // A big purchase: the vip rule gives the task to the one agent with the skill.
      const buyer = await admin.post('/api/v1/customers', { name: '周大福', gender: 'male', unit_id: ctx.unit.id, phones: [{ number: '13911110005' }] })
      await admin.post(`/api/v1/customers/${buyer.id}/events`, { kind: 'purchase', occurred_at: ctx.now, unit_id: ctx.unit.id, amount_fen: 2000000 })
      const notice = agentPage.locator('.callback-live-notice')
      await notice.waitFor({ timeout: 20_000 })
      assert.match(await notice.innerText(), /已分配给您/)
      const rows = agentPage.getByTestId('callbacks-table').locator('.el-table__row')
      await agentPage.waitForFunction((n) => document.querySelectorAll('[data-testid=callbacks-table] .el-table__row').length > n, before)
      const row = rows.filter({ hasText: '周大福' })
      await row.waitFor()
      assert.match(await row.innerText(), /vip/)
      assert.ok(await notice.isVisible(), 'the notification is on screen')
      await shot(agentPage, 'callbacks-live-assigned')

      // A small purchase needs English: nobody has it, the task waits unassigned.
      const guest = await admin.post('/api/v1/customers', { name: 'John Smith', gender: 'male', unit_id: ctx.unit.id, phones: [{ number: '13911110006' }] })
      await admin.post(`/api/v1/customers/${guest.id}/events`, { kind: 'purchase', occurred_at: ctx.now, unit_id: ctx.unit.id, amount_fen: 50000 })
      const lead = await chrome().page()
      await signIn(lead, LEAD.username, PASSWORD)
      let waiting
      const deadline = Date.now() + 20_000
      do {
        waiting = (await admin.get(`/api/v1/callbacks?view=unassigned&customer_id=${guest.id}`)).items[0]
        if (waiting) break
        await new Promise((r) => setTimeout(r, 250))
      } while (Date.now() < deadline)
      assert.ok(waiting, 'the English task waits unassigned')
      assert.deepEqual(waiting.skills, ['en'])
      await lead.goto(`${BASE}/callbacks?tab=unassigned`)
      const leadRow = lead.getByTestId('callbacks-table').locator('.el-table__row', { hasText: 'John Smith' })
      await leadRow.waitFor()
      await lead.getByTestId(`callback-noskill-${waiting.id}`).waitFor()
      await leadRow.locator('.el-checkbox').click()
      await lead.getByTestId('callbacks-reassign').click()
      const rd = lead.getByTestId('callbacks-reassign-dialog')
      await rd.waitFor()
      await lead.getByTestId('callbacks-reassign-agent').click()
      await lead.locator('.el-select-dropdown__item:visible', { hasText: AGENT.display_name }).first().click()
      await lead.getByTestId('callbacks-reassign-missing').waitFor()
      assert.match(await lead.getByTestId('callbacks-reassign-missing').innerText(), /en/)
      await lead.getByTestId('callbacks-reassign-force').click()
      await shot(lead, 'callbacks-reassign-skills')
      await lead.getByTestId('callbacks-reassign-submit').click()
      await rd.waitFor({ state: 'hidden' })
      assert.equal((await admin.get(`/api/v1/callbacks/${waiting.id}`)).assignee_id, AGENT.user.id)

      // The agent is told at once, and the task is in the open queue.
      const moved = agentPage.locator('.callback-live-notice', { hasText: `#${waiting.id}` })
      await moved.waitFor({ timeout: 20_000 })
      await agentPage.waitForTimeout(500) // it slides in from the right
      const box = await moved.boundingBox()
      assert.ok(box && box.y + box.height <= 820 && box.x + box.width <= 1366, `the notification is inside the window: ${JSON.stringify(box)}`)
      await agentPage.getByTestId('callbacks-table').locator('.el-table__row', { hasText: 'John Smith' }).waitFor()
      await shot(agentPage, 'callbacks-live-reassigned')
      await lead.context().close()
      await agentPage.context().close()
    } finally {
      for (const r of [vipRule, enRule]) await admin.patch(`/api/v1/rules/${r.id}`, { active: false })
      for (const r of paused) await admin.patch(`/api/v1/rules/${r.id}`, { active: true })
    }
  })
}
