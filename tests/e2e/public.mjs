// The public complaint form and the follow link, as a customer sees them on a phone
// (375×812, no sign-in): a repair request filed after a wrong and then a right answer to the
// human check, the receipt with its number and link, the status page before and after a
// public reply posted by admin through the API, the page in English, and a link that does
// not match. Then on a desktop in English: server messages in English, and the notice for
// too many submissions (a 429 answered by the test, so that the server's real limit is
// left for other tests). Registered inside console.test.mjs's suite (one server, one
// Chromium), after the ticket tests.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BASE, SHOTS, apiSession, pageProblems, shot as rawShot } from './harness.mjs'

const T = { timeout: 90_000 }
const DOCS = join(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots')
const SUBJECT = '楼道照明灯坏了一周，晚上看不清台阶'
const DESCRIPTION = '3 号楼 2 单元 5 楼到 6 楼之间的声控灯不亮，家里有老人，晚上上下楼很危险，请尽快派人维修。'
const REPLY = '您好，维修师傅将于今天下午 3 点前上门更换灯具，请保持电话畅通。'

// "7 + 5 = ?" → 12. The question is plain arithmetic by design (a human check, not a puzzle).
export function solve(question) {
  const m = /(\d+)\s*([+\-×x*])\s*(\d+)/.exec(question)
  assert.ok(m, `a question like "7 + 5 = ?": ${question}`)
  const [a, op, b] = [Number(m[1]), m[2], Number(m[3])]
  return op === '+' ? a + b : op === '-' ? a - b : a * b
}

// Screenshots without the pointer resting on what it last pressed (hover colours).
async function shot(page, name) {
  await page.mouse.move(0, 0)
  await rawShot(page, name)
}

// A browser context of its own, as a phone or a desktop, in Chinese and Shanghai time.
async function open(chrome, { phone = true } = {}) {
  const context = await chrome().browser.newContext(
    phone
      ? { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }
      : { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' },
  )
  const page = await context.newPage()
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Refused to|Content Security Policy|Uncaught/.test(m.text())) pageProblems.push(`console: ${m.text()}`)
  })
  return page
}

// The question on screen, once there is one.
async function question(page) {
  const q = page.getByTestId('public-question')
  await q.filter({ hasText: /\d+\s*\+\s*\d+/ }).waitFor()
  return (await q.innerText()).trim()
}

async function fillForm(page, { kind, unit, name, phone, subject, description }) {
  if (kind) await page.getByTestId(`public-kind-${kind}`).click()
  if (unit) {
    await page.getByTestId('public-unit').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: unit }).first().click()
  }
  await page.getByTestId('public-name').fill(name)
  await page.getByTestId('public-phone').fill(phone)
  await page.getByTestId('public-subject').fill(subject)
  if (description) await page.getByTestId('public-description').fill(description)
}

// The answer's error under the check, once the server has spoken.
const answerError = (page) => page.locator('.check-item .el-form-item__error')

// The message under a field.
const fieldError = (page, testId) => page.locator('.el-form-item', { has: page.getByTestId(testId) }).locator('.el-form-item__error')

// Every text on the page came through i18n (no raw keys such as public.form.subject).
async function noRawKeys(page) {
  const text = await page.locator('body').innerText()
  assert.doesNotMatch(text, /\bpublic\.[a-z]+\.[a-zA-Z.]+/, 'no i18n key on the page')
}

async function noSideways(page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
  assert.ok(scroll <= width, `no sideways scrolling (${scroll} > ${width})`)
}

export function publicTests(chrome) {
  const ctx = { number: '', link: '', status: null }

  test('public: on a phone, a customer files a repair request; a wrong answer brings a new question', T, async () => {
    const page = await open(chrome)
    await page.goto(`${BASE}/public/complaint`)
    await page.getByTestId('public-form').waitFor()
    // No console around it: no menu, no header of the app, nobody signed in.
    assert.equal(await page.getByTestId('side-menu').count(), 0)
    assert.equal(await page.getByTestId('user-menu').count(), 0)
    assert.equal(await page.locator('h1').innerText(), '在线投诉与报修')
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    assert.match(await page.title(), /在线投诉与报修/)
    const q1 = await question(page)
    await noSideways(page)
    await noRawKeys(page)
    // Big enough to touch.
    for (const id of ['public-kind-repair', 'public-submit', 'public-new-question', 'public-lang-en']) {
      const box = await page.getByTestId(id).boundingBox()
      assert.ok(box && box.height >= 32, `${id} is tall enough to touch (${box?.height})`)
    }
    assert.ok((await page.getByTestId('public-submit').boundingBox()).height >= 44)
    await shot(page, 'public-01-form')

    // Complaint is the default; the customer picks 报修.
    assert.equal(await page.getByTestId('public-kind-complaint').locator('input').isChecked(), true)
    await fillForm(page, { kind: 'repair', unit: '上海分部', name: '张阿姨', phone: '12345', subject: SUBJECT, description: DESCRIPTION })
    assert.equal(await page.getByTestId('public-kind-repair').locator('input').isChecked(), true)
    // The phone number is checked before anything is sent.
    await page.getByTestId('public-submit').click()
    await fieldError(page, 'public-phone').filter({ hasText: '11 位手机号' }).waitFor()
    await page.getByTestId('public-phone').fill('138 0013 8000')
    await page.getByTestId('public-phone').blur()
    await fieldError(page, 'public-phone').waitFor({ state: 'detached' })

    // A wrong answer: the server's message on the field, and a new question fetched at once.
    const wrong = solve(q1) + 1
    await page.getByTestId('public-answer').fill(String(wrong))
    const [filed, renewed] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/public/tickets') && r.request().method() === 'POST'),
      page.waitForResponse((r) => r.url().endsWith('/api/v1/public/challenges') && r.request().method() === 'POST'),
      page.getByTestId('public-submit').click(),
    ])
    assert.equal(filed.status(), 422)
    assert.equal(filed.request().headers()['accept-language'], 'zh-CN')
    assert.equal(renewed.status(), 201)
    const fresh = await renewed.json()
    await answerError(page).filter({ hasText: '验证题答案不正确' }).waitFor()
    assert.equal(await page.getByTestId('public-check-hint').innerText(), '已为您换了一道新题，请重新计算')
    assert.equal(await page.getByTestId('public-question').innerText(), fresh.question)
    assert.equal(await page.getByTestId('public-answer').inputValue(), '', 'the old answer is cleared')
    // What was typed stays.
    assert.equal(await page.getByTestId('public-subject').inputValue(), SUBJECT)
    await page.getByTestId('public-answer').scrollIntoViewIfNeeded()
    await shot(page, 'public-02-wrong-answer')

    // The right answer: the receipt.
    await page.getByTestId('public-answer').fill(String(solve(fresh.question)))
    await answerError(page).waitFor({ state: 'detached' }) // typing clears the server’s message
    await page.getByTestId('public-submit').click()
    await page.getByTestId('public-receipt').waitFor()
    ctx.number = (await page.getByTestId('public-number').innerText()).trim()
    assert.match(ctx.number, /^BX-\d{4}-\d{6}$/)
    ctx.link = await page.getByTestId('public-follow-link').innerText()
    assert.ok(ctx.link.startsWith(`${BASE}/public/tickets/${ctx.number}?t=`), ctx.link)
    assert.equal(await page.getByTestId('public-open').getAttribute('href'), ctx.link)
    await noSideways(page)
    await shot(page, 'public-03-receipt')

    // The follow link: received, not yet handled, no replies.
    await page.getByTestId('public-open').click()
    await page.getByTestId('public-status').waitFor()
    const api = await fetch(`${BASE}/api/v1/public/tickets/${ctx.number}?t=${new URL(ctx.link).searchParams.get('t')}`, { headers: { 'Accept-Language': 'zh-CN' } })
    ctx.status = await api.json()
    assert.equal(ctx.status.state, 'new')
    assert.equal(await page.getByTestId('public-state').innerText(), ctx.status.state_label)
    assert.equal(ctx.status.state_label, '待受理判定')
    assert.equal(await page.getByTestId('public-status-number').innerText(), ctx.number)
    assert.equal(await page.getByTestId('public-status-subject').innerText(), SUBJECT)
    assert.match(await page.getByTestId('public-status').innerText(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
    await page.getByTestId('public-no-replies').waitFor()
    await noSideways(page)
    await noRawKeys(page)
    await shot(page, 'public-04-status')
    await page.context().close()
  })

  test('public: a public reply by customer service shows on the status page; English; a wrong link', T, async () => {
    assert.ok(ctx.number, 'the customer filed a request')
    const admin = await apiSession('admin')
    const found = (await admin.get(`/api/v1/tickets?q=${encodeURIComponent(ctx.number)}&limit=20`)).items.filter((t) => t.number === ctx.number)
    assert.equal(found.length, 1, `the console finds ${ctx.number}`)
    assert.equal(found[0].channel, 'web_form')
    assert.equal(found[0].kind, 'repair')
    await admin.post(`/api/v1/tickets/${found[0].id}/comments`, { visibility: 'public', body: REPLY })
    await admin.post(`/api/v1/tickets/${found[0].id}/comments`, { visibility: 'internal', body: '内部备注：物业电工老李负责' })

    const page = await open(chrome)
    await page.goto(ctx.link)
    await page.getByTestId('public-status').waitFor()
    await page.getByTestId('public-reply').first().waitFor()
    const replies = await page.getByTestId('public-reply').allInnerTexts()
    assert.deepEqual(replies, [REPLY], 'the public reply, and not the internal note')
    assert.match(await page.getByTestId('public-replies').innerText(), /客服回复|客服/)
    await shot(page, 'public-05-status-reply')

    // In English: the page's words and the server's name of the state.
    const [again] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/api/v1/public/tickets/${ctx.number}`)),
      page.getByTestId('public-lang-en').click(),
    ])
    assert.equal(again.request().headers()['accept-language'], 'en')
    const enStatus = await again.json()
    await page.locator('h1', { hasText: 'Ticket progress' }).waitFor()
    await page.getByTestId('public-state').filter({ hasText: enStatus.state_label }).waitFor()
    assert.notEqual(enStatus.state_label, ctx.status.state_label)
    await noRawKeys(page)
    await shot(page, 'public-06-status-en')
    await page.getByTestId('public-lang-zh-CN').click()

    // A token that does not match, and no token at all: the same answer.
    for (const bad of [`/public/tickets/${ctx.number}?t=0000`, `/public/tickets/${ctx.number}`, `/public/tickets/BX-2000-999999?t=${new URL(ctx.link).searchParams.get('t')}`]) {
      await page.goto(`${BASE}${bad}`)
      await page.getByTestId('public-not-found').waitFor()
      assert.match(await page.getByTestId('public-not-found').innerText(), /找不到该工单，请检查链接是否完整/)
    }
    await shot(page, 'public-07-not-found')
    await page.context().close()
  })

  test('public: on a desktop in English, server messages come in English; too many submissions', T, async () => {
    const page = await open(chrome, { phone: false })
    await page.goto(`${BASE}/public/complaint`)
    await page.getByTestId('public-form').waitFor()
    await shot(page, 'public-08-form-desktop')
    await page.getByTestId('public-lang-en').click()
    await page.locator('h1', { hasText: 'Complaints and repairs' }).waitFor()
    await noRawKeys(page)
    const q = await question(page)
    await fillForm(page, { kind: 'suggestion', name: 'Li Lei', phone: '010-12345678', subject: 'Longer opening hours at weekends' })
    await page.getByTestId('public-answer').fill(String(solve(q) + 2))
    const [filed] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/public/tickets') && r.request().method() === 'POST'),
      page.getByTestId('public-submit').click(),
    ])
    assert.equal(filed.request().headers()['accept-language'], 'en')
    const problem = await filed.json()
    await answerError(page).filter({ hasText: problem.errors[0].message }).waitFor()
    assert.doesNotMatch(problem.errors[0].message, /[\u4e00-\u9fff]/, 'the server answered in English')

    // Too many submissions from this address: a clear notice, and what was typed stays.
    await page.route('**/api/v1/public/tickets', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: '/problems/ticket.public_throttled', title: 'ticket.public_throttled', status: 429, code: 'ticket.public_throttled', detail: 'Too many', request_id: 'e2e' }),
      }),
    )
    const q2 = await question(page)
    await page.getByTestId('public-answer').fill(String(solve(q2)))
    await page.getByTestId('public-submit').click()
    await page.getByTestId('public-notice').filter({ hasText: 'Too many submissions; please try again later' }).waitFor()
    assert.equal(await page.getByTestId('public-subject').inputValue(), 'Longer opening hours at weekends')
    await page.getByTestId('public-lang-zh-CN').click()
    await page.getByTestId('public-submit').click()
    await page.getByTestId('public-notice').filter({ hasText: '提交过于频繁，请稍后再试' }).waitFor()
    await shot(page, 'public-09-throttled')
    await page.unroute('**/api/v1/public/tickets')

    // The status page on a desktop, with the reply.
    await page.goto(ctx.link)
    await page.getByTestId('public-reply').first().waitFor()
    await shot(page, 'public-10-status-desktop')
    await page.context().close()

    // The form and the status page, for the documentation.
    mkdirSync(DOCS, { recursive: true })
    for (const name of ['public-01-form', 'public-04-status', 'public-05-status-reply'])
      copyFileSync(join(SHOTS, `${name}.png`), join(DOCS, `${name}.png`))
  })
}
