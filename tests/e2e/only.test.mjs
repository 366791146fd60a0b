// One module's browser tests alone, against the server scripts/e2e.sh started:
// KEFU_E2E_ONLY=callbacks scripts/e2e.sh (customers | tickets | public | callbacks).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, pageProblems } from './harness.mjs'
import { customerTests } from './customers.mjs'
import { ticketTests } from './tickets.mjs'
import { publicTests } from './public.mjs'
import { callbackTests } from './callbacks.mjs'

const MODULES = { customers: customerTests, tickets: ticketTests, public: publicTests, callbacks: callbackTests }
const name = process.env.KEFU_E2E_ONLY ?? ''
const register = MODULES[name]
if (!register) throw new Error(`KEFU_E2E_ONLY=${name}: one of ${Object.keys(MODULES).join(', ')}`)

let chrome
before(async () => {
  chrome = await launch()
})
after(async () => {
  await chrome?.close()
})

describe(`kefu web console: ${name} only`, () => {
  register(() => chrome)
  test('no script errors or Content-Security-Policy refusals on any page', () => {
    assert.deepEqual(pageProblems, [])
  })
})
