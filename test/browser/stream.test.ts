import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

interface Point {
  time: number
  count: number
  type: 'low' | 'high'
}

test('stream chart shows the low and high counts the aggregator API reports, live over SSE', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const stack = await startStack(t, ['event-api', 'consumer-high', 'consumer-low', 'aggregator'], {
    BAKERY_STREAM_FLUSH_MS: '200',
  })
  const { urls } = stack
  const now = Date.now()
  // Three low (5 is low) and two high events; no producer runs, so these are all the counts.
  const events = [1.5, 5, 2.25, 7.5, 9.75].map((amount, i) => ({ time: now - i, amount: String(amount) }))
  const posted = await fetch(`${urls['event-api']}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  })
  assert.equal(posted.status, 200)

  let points: Point[] = []
  const total = (type: Point['type']) =>
    points.filter((p) => p.type === type).reduce((n, p) => n + p.count, 0)
  for (let i = 0; i < 100 && (total('low') < 3 || total('high') < 2); i++) {
    await sleep(100)
    points = (await (await fetch(`${urls.aggregator}/api`)).json()).points
  }
  assert.equal(total('low'), 3)
  assert.equal(total('high'), 2)

  const { page, screenshot } = session
  await session.logIn(stack, '/#/stream')
  await page.getByTestId('total-low').getByText('3', { exact: true }).waitFor()
  await page.getByTestId('total-high').getByText('2', { exact: true }).waitFor()
  await page.getByTestId('stream-live').getByText('live').waitFor()
  assert.equal(await page.locator('.chart canvas').count(), 1)
  await screenshot('stream-chart')
  // Every non-empty bucket of the API is a row of the chart's data table with the same counts.
  await page.getByText('Data table').click()
  for (const bucket of new Set(points.filter((p) => p.count > 0).map((p) => p.time))) {
    const row = page.locator(`[data-testid="stream-table"] tr[data-time="${bucket}"]`)
    const cells = await row.locator('td').allInnerTexts()
    const count = (type: Point['type']) =>
      String(points.find((p) => p.time === bucket && p.type === type)?.count ?? '')
    assert.deepEqual(cells.slice(1), [count('low'), count('high')])
  }
})
