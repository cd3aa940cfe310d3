import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

test('coffee ready board shows orders placed through the API; toggling a payments fault with the admin token opens the breaker on the page, clearing it closes it', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const token = 'browser-test-token'
  const stack = await startStack(
    t,
    ['payments', 'coffee-reception', 'barista'],
    // No load shedding on event-loop lag: a busy CI machine would turn orders into 503s.
    { BAKERY_ADMIN_TOKEN: token, BAKE_TIME_SCALE: '0.02', BAKERY_MAX_EVENT_LOOP_DELAY_MS: '0' },
    (started) => (started.payments ? { BAKERY_PAYMENTS_URL: started.payments } : {}),
  )
  const { urls } = stack
  const { page, screenshot } = session

  // A coffee ordered on the page reaches the ready board.
  await session.logIn(stack, '/#/coffee')
  await page.getByLabel('Name', { exact: true }).fill('Ann')
  await page.locator('select[name=type]').selectOption('latte')
  await page.locator('select[name=size]').selectOption('large')
  await page.getByRole('button', { name: 'Order coffee' }).click()
  await page.getByTestId('column-ready').getByText('Ann').waitFor({ timeout: 20_000 })
  // Orders placed elsewhere (here through the API) are on the board too: it reads GET /orders.
  for (const name of ['Bea via API', 'Cy via API']) {
    const placed = await fetch(`${urls['coffee-reception']}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, items: [{ type: 'cappuccino', size: 'small' }] }),
    })
    assert.equal(placed.status, 201)
  }
  await page.getByTestId('column-ready').getByText('Bea via API').waitFor({ timeout: 20_000 })
  await page.getByTestId('column-ready').getByText('Cy via API').waitFor({ timeout: 20_000 })
  await screenshot('coffee-ready-board')

  // Without the token the admin API refuses; with it the payments breaker is listed.
  await page.getByRole('link', { name: 'Drills' }).click()
  await page.locator('input[name=token]').fill('wrong')
  await page.getByRole('button', { name: 'Use token' }).click()
  await page.getByText('The token was refused').waitFor()
  await page.locator('input[name=token]').fill(token)
  await page.getByRole('button', { name: 'Use token' }).click()
  const breaker = page.locator('[data-testid^="breaker-"]').filter({ hasText: /payments/ })
  await breaker.getByText('closed').waitFor()

  // Payments hard down: the orders' payment calls fail until the breaker opens.
  await page.locator('input[name=target]').fill('payments')
  await page.getByLabel('Hard down (connections cut)').check()
  await page.getByRole('button', { name: 'Apply fault' }).click()
  await page.getByTestId('active-faults').getByText('payments').waitFor()
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${urls['coffee-reception']}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `drill ${i}`, items: [{ type: 'espresso', size: 'small' }] }),
    })
    assert.equal(res.status, 201)
  }
  await breaker.getByText('open', { exact: true }).waitFor({ timeout: 20_000 })
  await screenshot('drills-breaker-open')

  // Cleared: the breaker half-opens, its trial call succeeds, and it closes again.
  await page.getByRole('button', { name: 'Clear payments faults' }).click()
  await page.getByTestId('active-faults').getByText('none').waitFor()
  await breaker.getByText('closed').waitFor({ timeout: 30_000 })
  await screenshot('drills-breaker-closed')
})
