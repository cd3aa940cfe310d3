// The stream chart does not draw the bucket still filling (its partial count would read as a drop
// to zero): it names it beside the chart and in the table, and draws it once it has closed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

const BUCKET_MS = 10_000

test('stream chart leaves the open bucket out until it closes, and says so', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const stack = await startStack(t, ['event-api', 'consumer-high', 'consumer-low', 'aggregator'], {
    BAKERY_STREAM_FLUSH_MS: '200',
  })
  const { page } = session
  // Early in a bucket, so the page sees it open for a few seconds.
  while (Date.now() % BUCKET_MS > 3_000) await new Promise((r) => setTimeout(r, 200))
  const now = Date.now()
  const bucket = now - (now % BUCKET_MS)
  const events = [2, 7, 8].map((amount, i) => ({ time: now - i, amount: String(amount) }))
  const posted = await fetch(`${stack.urls['event-api']}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  })
  assert.equal(posted.status, 200)
  await page.goto(`${stack.url}/#/stream`)
  const note = page.getByTestId('open-bucket')
  await note.getByText(/still filling \(low 1, high 2 so far\)/).waitFor()
  const lastDrawn = async () =>
    Number((await page.getByTestId('stream-chart').getAttribute('data-last-bucket')) || 0)
  assert.ok((await lastDrawn()) * 1000 < bucket, 'the open bucket is not drawn')
  await page.getByText('Data table').click()
  const openRow = page.locator(`[data-testid="stream-table"] tr[data-time="${bucket}"]`)
  assert.equal(await openRow.getAttribute('data-open'), 'true')
  assert.deepEqual((await openRow.locator('td').allInnerTexts()).slice(1), ['1', '2'])
  await session.screenshot('stream-open-bucket')

  // Once the bucket has closed it is drawn with its full count, and the table row is a closed one.
  await page.waitForFunction(
    (b) =>
      Number(document.querySelector('[data-testid="stream-chart"]')?.getAttribute('data-last-bucket')) *
        1000 >=
      b,
    bucket,
    { timeout: BUCKET_MS + 10_000 },
  )
  const closedRow = page.locator(`[data-testid="stream-table"] tr[data-time="${bucket}"]`)
  assert.equal(await closedRow.getAttribute('data-open'), null)
  assert.deepEqual((await closedRow.locator('td').allInnerTexts()).slice(1), ['1', '2'])
})
