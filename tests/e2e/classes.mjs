// Classification and lifecycle in the browser: the admin page with its counts per unit,
// editing a preset's band with a dry run, and the customer list filtered by a class.
// Registered inside console.test.mjs's suite, after the customer tests (demo data).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, apiSession, shot, signIn } from './harness.mjs'

const T = { timeout: 90_000 }

async function waitRun(admin) {
  for (let i = 0; i < 200; i++) {
    const runs = (await admin.get('/api/v1/customer-classifications/runs')).items
    if (runs.length && runs[0].finished_at !== null) return runs[0]
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error('the recomputation did not finish')
}

export function classTests(chrome) {
  test('classes: the admin edits the lifecycle preset (at risk after 60 days), tries it and saves', T, async () => {
    const admin = await apiSession('admin')
    const before = await admin.get('/api/v1/customer-classifications/lifecycle')
    assert.equal(before.classes[2].code, 'at_risk')
    const page = await chrome().page()
    await signIn(page, 'admin')
    await page.goto(`${BASE}/customers/classifications`)
    await page.getByTestId('classification-tab-lifecycle').click()
    await page.getByTestId('class-row-at_risk').waitFor()
    await page.getByTestId('classification-counts-table').locator('.el-table__row').first().waitFor()
    await page.getByTestId('classification-edit').click()
    const value = page.getByTestId('editor-value-2-0-0').locator('input')
    await value.fill('60')
    await value.press('Tab')
    await page.getByTestId('editor-dry-run-button').click()
    await page.getByTestId('editor-dry-run').waitFor()
    assert.match(await page.getByTestId('editor-dry-run').innerText(), /流失预警：\d+/)
    await shot(page, '43-classification-editor')
    await page.getByTestId('editor-save').click()
    await page.getByTestId('classification-editor').waitFor({ state: 'hidden' })
    const after = await admin.get('/api/v1/customer-classifications/lifecycle')
    assert.equal(after.version, before.version + 1)
    assert.deepEqual(after.classes[2].conditions[0].values, [60])
    await waitRun(admin)
    await page.reload()
    await page.getByTestId('classification-tab-lifecycle').click()
    await page.getByTestId('class-row-at_risk').waitFor()
    assert.match(await page.getByTestId('class-row-at_risk').innerText(), /60/)
    await page.getByTestId('classification-counts-table').locator('.el-table__row').first().waitFor()
    await page.waitForTimeout(600) // the chart's animation
    await shot(page, '44-classifications')
    await page.context().close()
  })

  test('classes: the customer list filtered by a class shows only that class', T, async () => {
    const admin = await apiSession('admin')
    const churned = (await admin.get('/api/v1/customers?class=lifecycle:churned&limit=100')).items
    assert.ok(churned.length > 0, 'the demo has churned customers')
    const page = await chrome().page()
    await signIn(page, 'admin')
    await page.goto(`${BASE}/customers`)
    await page.getByTestId('customer-table').locator('.el-table__row').first().waitFor()
    await page.getByTestId('customer-filter-class').click()
    await page.locator('.el-select-dropdown__item').filter({ hasText: '生命周期·已流失' }).click()
    await page.getByTestId('customer-search').click()
    await page.waitForURL(/class=lifecycle%3Achurned|class=lifecycle:churned/)
    const rows = page.getByTestId('customer-table').locator('.el-table__row')
    await rows.first().waitFor()
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=customer-table] .el-table__row').length === n,
      Math.min(churned.length, 20),
    )
    const tags = await page.getByTestId('customer-table').getByTestId('class-lifecycle').allInnerTexts()
    assert.equal(tags.length, Math.min(churned.length, 20))
    for (const tag of tags) assert.equal(tag.trim(), '已流失')
    await shot(page, '45-customers-by-class')
    // The 360 page shows the classes too.
    await page.getByTestId(`customer-link-${churned[0].id}`).click()
    await page.getByTestId('customer-profile').waitFor()
    assert.equal((await page.getByTestId('class-lifecycle').innerText()).trim(), '已流失')
    await page.context().close()
  })
}
