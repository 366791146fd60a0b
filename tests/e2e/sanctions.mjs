// 奖惩台账 in the browser: the admin sets up a department of its own with one staff member
// and a ticket there, and proposes through the API two penalties and two rewards for the
// staff member and a penalty for the department as a whole; approves some, refuses a reward
// and leaves one penalty proposed. The ledger page (opened from the menu) must show the
// hand-computed sums per person and for the unit, as ¥ text, and a total row equal to the
// sum of the month's list; the remaining penalty is approved in the page (confirm, toast)
// and the sums follow. A click on a person narrows the entries; the staff member, who may
// only read tickets, sees their own entries only. Screenshot: docs/screenshots/ticket-sanctions.png.
// Registered inside console.test.mjs's suite, after the ticket tests;
// `KEFU_E2E_GREP=sanctions scripts/e2e.sh` runs it alone.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BASE, apiSession, signIn } from './harness.mjs'

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots')
mkdirSync(DOCS, { recursive: true })
const T = { timeout: 120_000 }
const PASSWORD = 'Kefu2026s'
const STAFF = { username: 'e2e.ledger', display_name: '钱晓东', roles: ['handler'] }
const UNIT = { code: 'SH-E2E-JC', name: '上海交付质检部', kind: 'department' }

// ¥ as the console shows it: 2550 → "¥25.50", -16670 → "-¥166.70", with a "+" for a positive net.
const yuan = (fen) => `${fen < 0 ? '-' : ''}¥${Math.floor(Math.abs(fen) / 100).toLocaleString('en-US')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`
const net = (fen) => (fen > 0 ? `+${yuan(fen)}` : yuan(fen))

async function docShot(page, name) {
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 6000 }).catch(() => {})
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: true })
}

export function sanctionTests(chrome) {
  test('tickets: sanctions ledger — sums per person and unit for the month, approving in the page', T, async () => {
    const admin = await apiSession('admin')
    const units = (await admin.get('/api/v1/org/units?limit=200')).items
    const sh = units.find((u) => u.code === 'SH')
    assert.ok(sh, 'the demo has 上海分部')
    const unit = await admin.post('/api/v1/org/units', { parent_id: sh.id, ...UNIT })
    const staff = await admin.post('/api/v1/users', { username: STAFF.username, display_name: STAFF.display_name, password: PASSWORD, unit_id: unit.id, roles: STAFF.roles })
    const ticket = await admin.post('/api/v1/tickets', { kind: 'complaint', channel: 'hotline', subject: '交付前检查漏项，客户提车后发现划痕', contact_name: '冯先生', unit_id: unit.id })

    // Two penalties and two rewards for the staff member, a penalty for the unit itself.
    const propose = (body) => admin.post(`/api/v1/tickets/${ticket.id}/sanctions`, body)
    const penaltyA = await propose({ kind: 'penalty', user_id: staff.id, amount_fen: 20000, reason: '交付前检查未按清单逐项确认' })
    const penaltyB = await propose({ kind: 'penalty', user_id: staff.id, amount_fen: 5550, reason: '检查记录未及时上传' })
    const rewardC = await propose({ kind: 'reward', user_id: staff.id, amount_fen: 8880, reason: '主动回访客户并安排免费补漆' })
    const rewardE = await propose({ kind: 'reward', user_id: staff.id, amount_fen: 100000, reason: '申请的整改奖励（未获批准）' })
    const unitD = await propose({ kind: 'penalty', unit_id: unit.id, amount_fen: 30000, reason: '部门交付流程缺少复核环节' })
    const month = penaltyA.month
    assert.match(month, /^\d{4}-\d{2}$/)
    assert.equal(penaltyA.user_name, STAFF.display_name, 'the server names the person (build/src/kefu with user_name)')
    assert.equal(unitD.user_id, null)
    assert.equal(unitD.unit_name, UNIT.name)
    const decide = (x, approve) => admin.post(`/api/v1/ticket-sanctions/${x.id}/decision`, { approve })
    await decide(penaltyA, true)
    await decide(rewardC, true)
    await decide(unitD, true)
    await decide(rewardE, false) // refused: counted nowhere
    // penaltyB stays proposed: approved in the page below.

    const page = await chrome().page()
    await signIn(page, 'admin')
    await page.getByTestId('menu-tickets').getByText('奖惩台账').click()
    await page.getByTestId('sanctions-page').waitFor()
    assert.equal(new URL(page.url()).pathname, '/tickets/sanctions')
    // The page opens on this month in China time; the server's test clock may have been
    // moved on by earlier tests, so go to the month the server booked them in.
    if ((await page.getByTestId('ledger-month').locator('input').inputValue()) !== month) {
      await page.goto(`${BASE}/tickets/sanctions?month=${month}`)
      await page.getByTestId('sanctions-page').waitFor()
    }
    const cell = (key, what) => page.getByTestId(`ledger-${key}-${what}`)
    const person = `user:${staff.id}`
    const dept = `unit:${unit.id}`
    await page.getByTestId(`ledger-person-${person}`).waitFor()
    assert.equal(await page.getByTestId(`ledger-person-${person}`).innerText(), STAFF.display_name)
    assert.equal(await page.getByTestId(`ledger-person-${dept}`).innerText(), UNIT.name)

    // By hand: 钱晓东 — penalties ¥200.00 (¥55.50 waiting), rewards ¥88.80 (¥1,000.00 refused);
    // the department — a penalty of ¥300.00.
    const expectRow = async (key, want) => {
      for (const [what, text] of Object.entries(want)) assert.equal(await cell(key, what).innerText(), text, `${key} ${what}`)
    }
    await expectRow(person, { penalties: '¥200.00', rewards: '¥88.80', net: '-¥111.20', 'pending-count': '1', pending: '罚 ¥55.50' })
    await expectRow(dept, { penalties: '¥300.00', rewards: '¥0.00', net: '-¥300.00', 'pending-count': '0' })

    // The total row: everything of the month in the admin's scope (other tests' sanctions too).
    const expectTotal = async () => {
      const all = (await admin.get(`/api/v1/ticket-sanctions?month=${month}`)).items
      const sum = (kind, state) => all.filter((x) => x.kind === kind && x.state === state).reduce((a, x) => a + x.amount_fen, 0)
      const pen = sum('penalty', 'approved')
      const rew = sum('reward', 'approved')
      assert.equal(await cell('total', 'penalties').innerText(), yuan(pen))
      assert.equal(await cell('total', 'rewards').innerText(), yuan(rew))
      assert.equal(await cell('total', 'net').innerText(), net(rew - pen))
      assert.equal(await cell('total', 'pending-count').innerText(), String(all.filter((x) => x.state === 'proposed').length))
    }
    await expectTotal()

    // The entries: the ticket's number links to the ticket; a click on the person narrows them.
    const link = page.getByTestId(`ledger-ticket-${penaltyA.id}`)
    assert.equal(await link.innerText(), ticket.number)
    assert.equal(await link.getAttribute('href'), `/tickets/${ticket.id}`)
    assert.equal(await page.getByTestId(`ledger-amount-${rewardE.id}`).innerText(), '¥1,000.00')
    assert.equal(await page.getByTestId(`ledger-state-${rewardE.id}`).innerText(), '已驳回')
    await page.getByTestId(`ledger-person-${person}`).click()
    await page.getByTestId('ledger-who').getByText(`只看：${STAFF.display_name}`).waitFor()
    assert.equal(await page.getByTestId('ledger-shown').innerText(), '共 4 条')
    assert.equal(new URL(page.url()).searchParams.get('who'), person)
    await page.getByTestId(`ledger-person-${dept}`).click()
    await page.getByTestId('ledger-who').getByText(`只看：${UNIT.name}`).waitFor()
    assert.equal(await page.getByTestId('ledger-shown').innerText(), '共 1 条')
    await page.getByTestId(`ledger-person-${person}`).click()
    await page.getByTestId('ledger-who').getByText(`只看：${STAFF.display_name}`).waitFor()
    await docShot(page, 'ticket-sanctions')

    // A manager's decision in the page: confirm, a toast, the sums follow.
    await page.getByTestId(`ledger-approve-${penaltyB.id}`).click()
    const box = page.locator('.el-message-box')
    await box.getByText(`批准对“${STAFF.display_name}”的负激励（处罚） ¥55.50？`).waitFor()
    await box.getByRole('button', { name: '批准' }).click()
    await page.locator('.el-message--success').getByText('已批准该奖惩').waitFor()
    await page.getByTestId(`ledger-state-${penaltyB.id}`).getByText('已批准').waitFor()
    await cell(person, 'penalties').getByText('¥255.50').waitFor()
    await expectRow(person, { penalties: '¥255.50', rewards: '¥88.80', net: '-¥166.70', 'pending-count': '0' })
    assert.equal(await page.getByTestId(`ledger-approve-${penaltyB.id}`).count(), 0)
    await expectTotal()
    assert.equal((await admin.get(`/api/v1/ticket-sanctions?month=${month}&user_id=${staff.id}`)).items.find((x) => x.id === penaltyB.id).state, 'approved')
    await page.context().close()

    // The staff member reads tickets only: the menu entry is there, the page shows their own.
    const own = await chrome().page()
    await signIn(own, STAFF.username, PASSWORD)
    await own.getByTestId('menu-tickets').getByText('奖惩台账').click()
    await own.getByTestId('ledger-own-only').waitFor()
    if ((await own.getByTestId('ledger-month').locator('input').inputValue()) !== month) await own.goto(`${BASE}/tickets/sanctions?month=${month}`)
    await own.getByTestId(`ledger-person-${person}`).waitFor()
    assert.equal(await own.getByTestId(`ledger-person-${dept}`).count(), 0) // the unit's own is not theirs
    assert.equal(await own.getByTestId(`ledger-${person}-net`).innerText(), '-¥166.70')
    assert.equal(await own.getByTestId('ledger-shown').innerText(), '共 4 条')
    assert.equal(await own.locator('[data-testid^=ledger-approve-]').count(), 0) // no decisions without ticket.manage
    await own.context().close()
  })
}
