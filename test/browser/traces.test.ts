// The Traces page's default view: newest first by start time, single-span internal traces hidden,
// and the form's root-span filter and "single-span internal traces" switch.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startDashboard } from '../support/dashboard.ts'

test('traces page lists multi-span traces newest first by start and hides single-span internal ones', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const { url, telemetry } = await startDashboard(t)
  const reception = telemetry.forService('reception').tracer
  const now = Date.now()
  // An order that started first and ended last, so it is added to the store after the others.
  const order = reception.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: now - 5_000 })
  const lone = reception.startSpan('cache sweep', { kind: SpanKind.INTERNAL, startTime: now - 3_000 })
  lone.end(now - 2_990)
  const later = reception.startSpan('GET /orders/:key', { kind: SpanKind.SERVER, startTime: now - 2_000 })
  const read = reception.startSpan(
    'read-order',
    { startTime: now - 1_999 },
    trace.setSpan(context.active(), later),
  )
  read.end(now - 1_990)
  later.end(now - 1_980)
  const publish = reception.startSpan(
    'publish-order',
    { kind: SpanKind.PRODUCER, startTime: now - 4_999 },
    trace.setSpan(context.active(), order),
  )
  publish.end(now - 10)
  order.end(now)

  const { page, screenshot } = session
  await page.goto(`${url}/#/traces`)
  const rows = page.locator('section[aria-labelledby="results-title"] tbody tr')
  await page.getByRole('heading', { name: /2 traces/ }).waitFor()
  const rootLinks = async () => rows.locator('td:nth-child(2) a').allInnerTexts()
  assert.deepEqual(await rootLinks(), ['GET /orders/:key', 'POST /orders'])
  assert.match(await page.locator('#results-title').innerText(), /newest first by start time/)
  await screenshot('traces-default-view')

  await page.getByRole('checkbox', { name: 'Single-span internal traces' }).check()
  await page.getByRole('button', { name: 'Search' }).click()
  await page.getByRole('heading', { name: /3 traces/ }).waitFor()
  assert.deepEqual(await rootLinks(), ['GET /orders/:key', 'cache sweep', 'POST /orders'])

  await page.getByLabel('Root span').fill('POST')
  await page.getByRole('button', { name: 'Search' }).click()
  await page.getByRole('heading', { name: /1 traces/ }).waitFor()
  assert.deepEqual(await rootLinks(), ['POST /orders'])
})
