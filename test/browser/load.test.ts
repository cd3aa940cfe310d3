import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LoadRunView } from '../../src/dashboard/load-control.ts'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

const count = (text: string) => Number(text.replaceAll(',', ''))

test('dashboard starts a load run from the page, shows its progress and a summary where every order finished', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  // The default pipeline: the journey hops run, so the baker reads from the enrichment hop.
  const stack = await startStack(t, ['reception', 'enrichment', 'baker', 'response-builder'], {
    BAKE_TIME_SCALE: '0.2',
  })
  const { url } = stack
  const { page, screenshot } = session

  await session.logIn(stack)
  await page.getByRole('link', { name: 'Load' }).click()
  await page.getByLabel('Target').selectOption('orders')
  await page.getByLabel('Fixed rate (open loop)').check()
  await page.getByLabel(/^Rate/).fill('40')
  await page.getByLabel(/^Duration/).fill('4')
  // Submitted from the keyboard, as a form should be.
  await page.getByLabel(/^Duration/).press('Enter')

  await page.getByTestId('load-stage').getByText('Sending load').waitFor()
  await page.getByRole('button', { name: 'A run is in progress' }).waitFor()
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="load-sent"]')?.textContent?.replaceAll(',', '')) > 0,
  )
  assert.equal(await page.getByRole('button', { name: 'Stop load' }).isEnabled(), true)
  await screenshot('load-progress')

  const summary = page.getByTestId('load-summary')
  await summary.waitFor({ timeout: 90_000 })
  const accepted = count(await page.getByTestId('summary-accepted').innerText())
  const finished = count(await page.getByTestId('summary-finished').innerText())
  const lost = count(await page.getByTestId('summary-lost').innerText())
  assert.ok(accepted > 0, `accepted ${accepted}`)
  assert.equal(finished, accepted)
  assert.equal(lost, 0)
  assert.equal(await page.getByTestId('summary-result').innerText(), 'OK')
  assert.equal(await page.getByTestId('summary-errors').innerText(), 'none')
  const latency = await page.getByTestId('summary-latency').innerText()
  assert.match(latency, /p99\.9/)
  assert.match(latency, /Accept \(from intended send\)/)
  assert.match(latency, /End to end/)
  await page.getByTestId('load-stage').getByText('Done').waitFor()

  // The page shows what the API reports for the run.
  const { run } = (await (await fetch(`${url}/api/load`)).json()) as { run: LoadRunView }
  assert.equal(run.state, 'done')
  assert.equal(run.summary?.accepted, accepted)
  assert.equal(run.summary?.completion?.finished, finished)
  assert.deepEqual(run.request, { target: 'orders', rate: 40, durationS: 4 })
  await page.getByRole('button', { name: 'Start load' }).waitFor()
  await screenshot('load-summary')

  // The orders the run placed show on the Orders page: the picture docs/dashboard.png is taken from.
  await page.getByRole('navigation').getByRole('link', { name: 'Orders', exact: true }).click()
  await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor()
  await page.locator('tbody tr').nth(9).waitFor()
  await screenshot('dashboard-orders-after-load')
})
