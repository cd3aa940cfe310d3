import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

test('incidents page runs an incident to a graded answer: start, clock, hint, diagnosis, score', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const dir = await mkdtemp(join(tmpdir(), 'bakery-incident-page-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const stack = await startStack(
    t,
    ['payments', 'coffee-reception', 'barista'],
    { BAKE_TIME_SCALE: '0.05', BAKERY_INCIDENT_DIR: dir },
    (started) => (started.payments ? { BAKERY_PAYMENTS_URL: started.payments } : {}),
  )
  const { page, screenshot } = session
  await session.logIn(stack)
  await page.getByRole('link', { name: 'Incidents' }).click()
  await page.locator('select[name="incident"]').selectOption('payments-half-errors')
  await page.getByLabel(/^Seed/).fill('7')
  await page.getByRole('button', { name: 'Start' }).click()

  await page.getByTestId('incident-state').getByText('running').waitFor()
  await page.waitForFunction(
    () =>
      Number.parseInt(document.querySelector('[data-testid="incident-clock"]')?.textContent ?? '0', 10) >= 3,
  )
  await page.getByRole('button', { name: /Take a hint/ }).click()
  await page.getByTestId('incident-hints').locator('li').first().waitFor()
  await screenshot('incident-running')

  // The diagnosis: the component and reason of the ground truth, the time a few seconds ago.
  await page.getByLabel(/^Component/).fill('payments')
  await page.locator('select[name="reason"]').selectOption('dependency errors')
  await page.getByLabel(/^When it began/).fill(new Date(Date.now() - 3000).toISOString().slice(0, 19))
  await page.getByRole('button', { name: 'Submit diagnosis' }).click()

  const grade = page.getByTestId('incident-grade')
  await grade.waitFor({ timeout: 60_000 })
  assert.match(await grade.innerText(), /score 1\.00/i)
  await screenshot('incident-graded')

  const { run } = (await (await fetch(`${stack.url}/api/incidents/run`, { headers: stack.auth })).json()) as {
    run: { grade: { score: number }; groundTruth: { root_cause: { component: string } } }
  }
  assert.equal(run.grade.score, 1)
  assert.equal(run.groundTruth.root_cause.component, 'payments')
})
