// The Order page's journey, live from GET /orders/:key/journey: a baker killed mid-bake shows its
// hop stalled (heartbeats stop), then redelivered to a second baker and the journey finished.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startDashboard } from '../support/dashboard.ts'
import { startServices } from '../support/services.ts'
import { postOrder, setups, startBaker } from '../tracking/setup.ts'

test('order page shows every hop of the journey, a killed baker as stalled, then redelivered and finished', async (t) => {
  buildWeb()
  const journeyEnv = await setups[1]?.env(t)
  if (!journeyEnv) return
  const session = await openBrowser(t)
  if (!session) return
  const env = {
    ...journeyEnv.env,
    BAKERY_HEARTBEAT_MS: '100',
    BAKERY_STALL_AFTER_MS: '600',
    BAKER_MISTAKE_RATE: '0',
  }
  const bakery = await startServices(t, ['reception', 'enrichment', 'response-builder'], env)
  // croissant: about 5 s in the oven at this scale, time enough to kill the baker mid-bake.
  const first = await startBaker(t, { ...env, BAKE_TIME_SCALE: '50' })
  const dashboard = await startDashboard(t, {}, { upstreams: { reception: bakery.url } })
  const posted = await postOrder(bakery.url, { customer: 'leela', pastry: 'croissant' })
  assert.equal(posted.status, 202)
  const orderKey = String(posted.body.orderKey)

  const { page, screenshot } = session
  await page.goto(`${dashboard.url}/#/orders/${orderKey}`)
  const table = page.getByTestId('journey-table')
  const baked = table.locator('tr[data-hop="baked"]')
  await table.locator('tr[data-hop="baked"][data-state="working"]').waitFor({ timeout: 20_000 })
  await page.waitForFunction(
    () =>
      Number(
        document
          .querySelector('tr[data-hop="baked"] [data-testid="hop-heartbeats"]')
          ?.textContent?.split(' ')[0],
      ) >= 2,
  )
  first.kill('SIGKILL')
  await once(first, 'exit')

  await table.locator('tr[data-hop="baked"][data-state="stalled"]').waitFor({ timeout: 10_000 })
  await page.getByTestId('journey-status').getByText('stalled').waitFor()
  assert.match(await baked.innerText(), /stalled/)
  await screenshot('order-journey-stalled')

  // Another baker takes the redelivered message over; the journey finishes through every hop.
  await startBaker(t, { ...env, BAKE_TIME_SCALE: '1' })
  await page.getByTestId('journey-status').getByText('finished').waitFor({ timeout: 30_000 })
  assert.deepEqual(
    await table
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => `${r.getAttribute('data-hop')}:${r.getAttribute('data-state')}`),
      ),
    ['accepted:done', 'enriched:done', 'baked:done', 'boxed:done'],
  )
  assert.match(await baked.innerText(), /redelivered/)
  await screenshot('order-journey-finished')
})
