// Shared pieces of the console's end-to-end tests: Chromium through playwright-core (the
// copy installed in web/node_modules), sign-in helpers, screenshots, and a plain HTTP
// client for setting up server state.
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(join(here, '../../web/package.json'))
const { chromium } = require('playwright-core')

export const BASE = process.env.KEFU_E2E_URL ?? 'http://127.0.0.1:8080'
export const PASSWORD = 'kefu2026'
export const SHOTS = join(here, 'screenshots')
mkdirSync(SHOTS, { recursive: true })

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

// One Chromium for the whole run. Playwright starts it with a fresh, empty profile
// (a new temporary --user-data-dir) and removes it at the end.
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ARGS,
  })
  return {
    browser,
    // A new browser context per test: no cookies, no storage, an empty cache.
    async page() {
      const context = await browser.newContext({ viewport: { width: 1366, height: 820 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
      const page = await context.newPage()
      watch(page)
      return page
    },
    close: () => browser.close(),
  }
}

// Problems the page reports by itself: script errors and Content-Security-Policy refusals.
export const pageProblems = []
function watch(page) {
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Refused to|Content Security Policy|Uncaught/.test(m.text())) pageProblems.push(`console: ${m.text()}`)
  })
}

export async function shot(page, name) {
  await page.waitForTimeout(250) // let transitions settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false })
}

export async function signIn(page, username, password = PASSWORD, { expectHome = true } = {}) {
  if (!page.url().includes('/login')) await page.goto(`${BASE}/login`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  if (expectHome) await page.getByTestId('user-menu').waitFor()
}

// A signed-in HTTP session outside the browser (for moving the test clock, and for
// finding demo records whose ids the tests then open in the browser).
export async function apiSession(username, password = PASSWORD) {
  const res = await fetch(`${BASE}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (!res.ok) throw new Error(`sign-in as ${username}: ${res.status}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const { csrf_token } = await res.json()
  return {
    async get(path) {
      const r = await fetch(`${BASE}${path}`, { headers: { Cookie: cookie } })
      if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`)
      return r.json()
    },
    // The status of a GET without reading its body (for streams that never end).
    async status(path) {
      const ac = new AbortController()
      const timer = setTimeout(() => ac.abort(), 5000)
      try {
        const r = await fetch(`${BASE}${path}`, { headers: { Cookie: cookie }, signal: ac.signal })
        ac.abort()
        return r.status
      } catch {
        return 0
      } finally {
        clearTimeout(timer)
      }
    },
    async patch(path, body) {
      const r = await fetch(`${BASE}${path}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf_token },
        body: JSON.stringify(body),
      })
      if (!r.ok) throw new Error(`PATCH ${path}: ${r.status} ${await r.text()}`)
      return r.json()
    },
    async post(path, body) {
      const r = await fetch(`${BASE}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf_token },
        body: JSON.stringify(body),
      })
      if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`)
      return r.json()
    },
  }
}
