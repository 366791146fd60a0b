// Surveys in the browser: an admin opens a shipped questionnaire in the editor, adds a
// question, saves (version 2), and fills the live preview with the keyboard only, the server
// scoring the draft as it goes; the benchmarks page; the dimension report over the demo's
// half year of SSI answers with the region's and the nation's benchmarks beside them; and
// QuestionnaireForm on a phone-sized screen. Registered inside console.test.mjs's suite.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { BASE, apiSession, signIn } from './harness.mjs'

const T = { timeout: 90_000 }
const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')

async function shot(page, name) {
  await page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {})
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: false })
}

export function surveyTests(chrome) {
  test('surveys: the editor saves a new version and the preview is filled by keyboard', T, async () => {
    const admin = await apiSession('admin')
    const store = (await admin.get('/api/v1/questionnaires')).items.find((q) => q.code === 'store_purchase')
    assert.ok(store, 'the store purchase preset is shipped')
    const page = await chrome().page()
    await signIn(page, 'admin')
    await page.goto(`${BASE}/surveys/questionnaires`)
    await page.getByTestId(`questionnaire-store_purchase`).click()
    await page.getByTestId('questionnaire-editor').waitFor()
    const version = page.getByTestId('questionnaire-version')
    await version.getByText(`v${store.version}`).waitFor()

    // A new question at the end: 0–10 scale, not required.
    const n = (await admin.get(`/api/v1/questionnaires/${store.id}`)).questions.length
    await page.getByTestId('q-add').click()
    await page.getByTestId(`q-text-${n}`).fill('门店停车方便吗？（0–10 分）')
    await page.getByTestId('questionnaire-save').click()
    await version.getByText(`v${store.version + 1}`).waitFor()
    const saved = await admin.get(`/api/v1/questionnaires/${store.id}`)
    assert.equal(saved.version, store.version + 1)
    assert.equal(saved.questions.length, n + 1)
    assert.equal(saved.questions[n].text, '门店停车方便吗？（0–10 分）')
    const v1 = await admin.get(`/api/v1/questionnaires/${store.id}/versions/${store.version}`)
    assert.equal(v1.questions.length, n, 'the earlier version is kept as it was')
    await page.getByTestId(`q-card-${n}`).scrollIntoViewIfNeeded()
    await shot(page, 'surveys-editor')

    // Keyboard only from the first question: 4, 5, 3, 4, 5 on the 1–5 scales (each moves on by
    // itself), y (400 told), y (satisfied), a comment + Enter, "1","0" = 10 on the new question.
    await page.getByTestId('preview-start').click()
    const kb = page.keyboard
    for (const k of ['4', '5', '3', '4', '5', 'y', 'y']) await kb.press(k)
    await kb.type('停车位有点少')
    await kb.press('Enter')
    await kb.press('1')
    await kb.press('0')
    const preview = page.getByTestId('preview')
    await preview.getByTestId('preview-complete').getByText('必答题已答完').waitFor()
    // staff (0.75 + 1) / 2 = 87.5 · 0.4 + environment 50 · 0.2 + checkout 75 · 0.2 + goods 100 · 0.2 = 80
    await preview.getByTestId('preview-overall').getByText('80.0').waitFor()
    await preview.getByTestId('preview-verdict').getByText('满意').waitFor()
    await preview.getByText('停车位有点少').first().waitFor() // the comment is listed as a dissatisfaction
    const chosen = await preview.locator('[data-question] .qf-chip.on').allInnerTexts()
    assert.deepEqual(chosen.map((s) => s.replace(/\s+/g, '')), ['4', '5', '3', '4', '5', 'Y是', 'Y是', '10'])
    await shot(page, 'surveys-preview-keyboard')
    await page.context().close()
  })

  test('surveys: benchmarks entry and the dimension report with the benchmarks beside it', T, async () => {
    const page = await chrome().page()
    await signIn(page, 'admin')
    await page.goto(`${BASE}/surveys/benchmarks`)
    const table = page.getByTestId('bm-table')
    await table.locator('.el-table__row').first().waitFor()
    const first = table.locator('.el-table__row').first().locator('input').first()
    await first.fill('968.5')
    await first.press('Tab')
    await page.getByTestId('bm-save').click()
    await page.locator('.el-message--success').waitFor()
    await shot(page, 'surveys-benchmarks')

    await page.goto(`${BASE}/surveys/report`)
    await page.getByTestId('report-chart').locator('canvas').waitFor()
    const total = await page.getByTestId('report-total').innerText()
    assert.match(total, /\d+\.\d{2}%/)
    assert.match(total, /综合指数\s*\d{3}\.\d/, 'an SSI overall on the 1000 scale')
    const rows = page.getByTestId('report-table').locator('.el-table__body-wrapper .el-table__row')
    assert.ok((await rows.count()) >= 6, 'one row per month')
    await shot(page, 'surveys-report')
    await page.context().close()
  })

  test('surveys: the form in the phone view (compact), filled by keyboard through the skip logic', T, async () => {
    const page = await chrome().page()
    await signIn(page, 'admin')
    const admin = await apiSession('admin')
    const csi = (await admin.get('/api/v1/questionnaires')).items.find((q) => q.code === 'car_service_csi')
    await page.goto(`${BASE}/surveys/questionnaires/${csi.id}`)
    await page.getByTestId('preview-phone').click()
    await page.getByTestId('preview-start').click()
    for (const k of ['9', '8', 'n']) await page.keyboard.press(k)
    // "not fixed" shows the follow-up question, whose option 1 is picked with the keyboard.
    await page.locator('[data-question=c04]').waitFor()
    await page.keyboard.press('1')
    await page.locator('[data-question=c04] .qf-chip.on').getByText('机修').waitFor()
    await page.getByTestId('preview-score').getByText('这次送修的问题是否一次就修好了？：否').waitFor()
    await page.locator('[data-question=c04]').scrollIntoViewIfNeeded()
    await shot(page, 'surveys-form-phone')
    await page.context().close()
  })
}
