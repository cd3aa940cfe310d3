import assert from 'node:assert/strict'
import { test } from 'node:test'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startDashboard } from '../support/dashboard.ts'

test('trace viewer follows a span link from the consumer trace to the producer trace and back', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const dashboard = await startDashboard(t)
  const { telemetry } = dashboard
  // A producer trace and a consumer trace linked to it, made the way reception and baker make them.
  const reception = telemetry.forService('reception').tracer
  const baker = telemetry.forService('baker').tracer
  const server = reception.startSpan('POST /orders', { kind: SpanKind.SERVER })
  const publish = reception.startSpan(
    'publish-order',
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'bakery.order_key': 'f00d', 'messaging.destination.name': 'orders' },
    },
    trace.setSpan(context.active(), server),
  )
  publish.end()
  server.end()
  const receive = baker.startSpan('receive-order', {
    kind: SpanKind.CONSUMER,
    root: true,
    links: [{ context: publish.spanContext() }],
    attributes: { 'bakery.order_key': 'f00d', 'queue.time_on_queue_ms': 3 },
  })
  const baking = baker.startSpan(
    'baking',
    { attributes: { 'baker.pastry': 'croissant' } },
    trace.setSpan(context.active(), receive),
  )
  baking.addEvent('baker made mistake, redoing')
  baking.end()
  receive.end()
  const producerTrace = publish.spanContext().traceId
  const consumerTrace = receive.spanContext().traceId

  const { page, screenshot } = session
  await session.logIn(dashboard, '/#/traces?attribute=bakery.order_key%3Df00d')
  await page.getByRole('link', { name: 'receive-order' }).click()
  // A figure, not an assertion: how long the page took to load on loopback (the target is under 1 s).
  const loadMs = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]
    return nav ? Math.round(nav.loadEventEnd - nav.startTime) : -1
  })
  console.log(`dashboard page load on loopback: ${loadMs} ms`)
  await page.waitForURL(new RegExp(`#/traces/${consumerTrace}`))
  await page.getByRole('button', { name: /baking/ }).click()
  await page.getByText('baker made mistake, redoing').waitFor()
  await page.getByRole('button', { name: /receive-order/ }).click()
  // The forward link is named by its target span, as the back-link is.
  assert.match(
    await page.getByTestId('link-out').innerText(),
    /^→ publish-order \(reception\) in trace [0-9a-f]+/,
  )
  await page.getByTestId('link-out').click()
  await page.waitForURL(new RegExp(`#/traces/${producerTrace}\\?span=${publish.spanContext().spanId}`))
  const detail = page.getByTestId('span-detail')
  await detail.getByRole('heading', { name: /publish-order/ }).waitFor()
  assert.match(await detail.innerText(), /messaging\.destination\.name\s+orders/)
  await screenshot('trace-viewer-producer')
  assert.match(await page.getByTestId('link-in').innerText(), /^← receive-order \(baker\) in trace /)
  await page.getByTestId('link-in').click()
  await page.waitForURL(new RegExp(`#/traces/${consumerTrace}\\?span=${receive.spanContext().spanId}`))
  await page
    .getByTestId('span-detail')
    .getByRole('heading', { name: /receive-order/ })
    .waitFor()
})
