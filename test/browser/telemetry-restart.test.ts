import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startCli } from '../support/cli.ts'
import { freePort, waitFor } from '../support/processes.ts'

const SERVICES = ['reception', 'baker', 'enrichment', 'response-builder', 'dashboard']

interface Signals {
  traces: { traceId: string; rootName: string }[]
  logs: { message: string; service: string; orderKey: string | null; run: number }[]
  exemplars: { metric: string; traceId: string }[]
  journey: { available: boolean }
}

async function start(env: Record<string, string>) {
  const cli = startCli(['start', ...SERVICES], ['reception', 'dashboard'], env)
  const urls = await cli.urls
  return { cli, urls }
}

async function stop(cli: ReturnType<typeof startCli>['child']): Promise<number | null> {
  cli.kill('SIGTERM')
  const [code] = await once(cli, 'exit')
  return code as number | null
}

test('an order placed before a SIGTERM is found after the restart: traces, logs and exemplars in the API and on the dashboard', async (t) => {
  buildWeb()
  const dir = mkdtempSync(join(tmpdir(), 'bakery-restart-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const env = {
    HOST: '127.0.0.1',
    BAKERY_TELEMETRY_STORE: join(dir, 'telemetry.sqlite'),
    BAKERY_RECEPTION_PORT: String(await freePort()),
    BAKERY_DASHBOARD_PORT: '0',
    BAKERY_WORKER_PORT: '0',
  }
  const first = await start(env)
  t.after(() => first.cli.child.kill('SIGKILL'))
  const placed = await fetch(`${first.urls.reception}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'ann', pastry: 'croissant' }),
  })
  assert.equal(placed.status, 202)
  const { orderKey } = (await placed.json()) as { orderKey: string }
  await waitFor('the baker finished the order', 30_000, async () => {
    const r = await fetch(`${first.urls.dashboard}/api/orders/${orderKey}/signals`, {
      signal: AbortSignal.timeout(5000),
    })
    const body = (await r.json()) as Signals
    return body.logs.some((l) => l.service === 'baker') ? true : undefined
  })
  assert.equal(await stop(first.cli.child), 0)

  const second = await start(env)
  t.after(() => second.cli.child.kill('SIGKILL'))
  const response = await fetch(`${second.urls.dashboard}/api/orders/${orderKey}/signals`)
  assert.equal(response.status, 200)
  const signals = (await response.json()) as Signals
  const roots = signals.traces.map((tr) => tr.rootName)
  assert.ok(roots.includes('POST /orders'), `reception trace kept: ${roots}`)
  assert.ok(roots.includes('receive-order'), `baker trace kept: ${roots}`)
  const messages = signals.logs.map((l) => `${l.service}: ${l.message}`)
  assert.ok(messages.includes('reception: order accepted'), `log lines kept: ${messages}`)
  assert.ok(
    signals.logs.every((l) => l.run === 1),
    'they belong to the first run',
  )
  const metrics = signals.exemplars.map((e) => e.metric)
  assert.ok(metrics.includes('bakery.order.time_on_queue'), `exemplars kept: ${metrics}`)
  const runs = (await (await fetch(`${second.urls.dashboard}/api/telemetry/runs`)).json()) as {
    runs: { id: number; endedMs: number | null }[]
  }
  assert.deepEqual(
    runs.runs.map((r) => r.id),
    [2, 1],
  )
  assert.ok(runs.runs[1]?.endedMs, 'SIGTERM closed the first run')

  const session = await openBrowser(t)
  if (!session) return
  const { page, screenshot } = session
  await page.goto(`${second.urls.dashboard}/#/signals/${orderKey}`)
  await page.getByTestId('signal-traces').getByRole('link', { name: 'POST /orders' }).waitFor()
  await page.getByTestId('log-lines').getByText('order accepted').waitFor()
  await page.getByTestId('signal-exemplars').getByText('bakery.order.time_on_queue').first().waitFor()
  await screenshot('order-signals')
  // From a log line to its span in the trace view, which lists the span's own log lines.
  await page
    .getByTestId('log-lines')
    .getByRole('row', { name: /order accepted/ })
    .getByRole('link')
    .last()
    .click()
  await page.waitForURL(/#\/traces\/[0-9a-f]{32}\?span=[0-9a-f]{16}/)
  await page.getByTestId('span-detail').getByTestId('log-lines').getByText('order accepted').waitFor()
  // The Logs page finds the line by order key.
  await page.goto(`${second.urls.dashboard}/#/logs?orderKey=${orderKey}`)
  await page.getByTestId('log-lines').getByText('order accepted').waitFor()
  await page.goto(`${second.urls.dashboard}/#/runs`)
  await page.getByTestId('runs').getByRole('link', { name: 'download' }).first().waitFor()
  await screenshot('telemetry-runs')
})
