// Every metric the README, the docs, the Grafana dashboards and the alert rules name is served on a
// scrape endpoint and found by a real Prometheus: with every service in one process (`bakery start`:
// the workers on the workers' port), and with the order pipeline's services as separate processes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { schema } from '../../src/config.ts'
import { startCli } from '../support/cli.ts'
import { documentedMetricNames } from '../support/documented-metrics.ts'
import { prometheusName, scanInstruments } from '../support/exported-metrics.ts'
import { isolatedOrders } from '../support/isolated-servers.ts'
import { freePort, stopProcess, waitFor } from '../support/processes.ts'
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.ts'
import { requireServer } from '../support/servers.ts'

const documented = documentedMetricNames()

/** A histogram is named by its family in docs and by _bucket/_count/_sum in queries. */
const found = (name: string, series: Set<string>) => series.has(name) || series.has(`${name}_bucket`)

async function expectNames(prometheus: RunningPrometheus, names: string[], jobs: string[]) {
  await waitFor(`every target up: ${jobs}`, 60_000, async () => {
    const up = await prometheus.upJobs()
    return jobs.every((j) => up.has(j)) ? true : undefined
  })
  let missing: string[] = []
  await waitFor('every documented metric', 90_000, async () => {
    const series = await prometheus.seriesNames()
    missing = names.filter((n) => !found(n, series))
    return missing.length === 0 ? true : undefined
  }).catch(() => undefined)
  assert.deepEqual(
    missing.map((n) => `${n} (named in ${documented.get(n)})`),
    [],
    'documented metrics that no scrape endpoint serves',
  )
}

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  await response.arrayBuffer()
  return response.status
}

test('documented metric names are found: the README, docs, dashboards and alert rules name some', () => {
  assert.ok(documented.size > 10, [...documented.keys()].join(' '))
  assert.ok(documented.has('bakery_orders_finished_total') || documented.has('bakery_orders_finished'))
})

test('every documented metric is scraped by Prometheus from bakery start (one process)', async (t) => {
  const ports = Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key.endsWith('Port'))
      .map(([, field]) => [field.env, '0']),
  )
  const http = ['reception', 'coffee-reception', 'payments', 'event-api', 'consumer-high', 'consumer-low']
  const listening = [...http, 'aggregator', 'album-store', 'album-proxy', 'dashboard', 'workers']
  // The producer and coffee reception call the event API and payments by URL: give those fixed ports.
  const [eventApi, payments] = [await freePort(), await freePort()]
  const bakery = startCli(['start'], listening, {
    ...ports,
    BAKERY_EVENT_API_PORT: String(eventApi),
    BAKERY_STREAM_API_URL: `http://127.0.0.1:${eventApi}/`,
    BAKERY_PAYMENTS_PORT: String(payments),
    BAKERY_PAYMENTS_URL: `http://127.0.0.1:${payments}`,
    HOST: '127.0.0.1',
    BAKE_TIME_SCALE: '0',
    BAKERY_STREAM_POST_INTERVAL_MS: '200',
    LOG_LEVEL: 'info',
  })
  t.after(() => stopProcess(bakery.child))
  const urls = await bakery.urls
  const prometheus = await startPrometheus(t, urls)
  // Traffic, so the instruments that only exist once used have points.
  for (let i = 0; i < 3; i++)
    assert.equal(await post(`${urls.reception}/orders`, { customer: 'ann', pastry: 'croissant' }), 202)
  assert.equal(
    await post(`${urls['coffee-reception']}/orders`, {
      name: 'ann',
      items: [{ type: 'espresso', size: 'small' }],
    }),
    201,
  )
  for (const path of ['/albums', '/']) await (await fetch(`${urls['album-proxy']}${path}`)).arrayBuffer()
  await expectNames(prometheus, [...documented.keys()], Object.keys(urls))
})

/** Documented names whose instrument lives in the order pipeline (bakery, tracking) or every service. */
function orderPipelineNames(): string[] {
  const where = new Map<string, string>()
  for (const instrument of scanInstruments()) {
    const name = prometheusName(instrument)
    for (const n of [name, `${name}_bucket`, `${name}_count`, `${name}_sum`]) where.set(n, instrument.file)
  }
  const shared = /^src\/(bakery|tracking|platform\/telemetry|platform\/http|platform\/queue)\//
  return [...documented.keys()].filter((n) => shared.test(where.get(n) ?? ''))
}

test('every documented order pipeline metric is scraped from reception, enrichment, baker and response-builder as separate processes', async (t) => {
  const amqp = await requireServer(t, 'amqp')
  const postgres = amqp && (await requireServer(t, 'postgres'))
  const redis = postgres && (await requireServer(t, 'redis'))
  if (!amqp || !postgres || !redis) return
  const isolated = isolatedOrders(amqp, postgres)
  const env = {
    ...isolated.env,
    REDIS_URL: redis,
    HOST: '127.0.0.1',
    PORT: '0',
    BAKE_TIME_SCALE: '0',
    DATABASE_POOL_SIZE: '2',
    LOG_LEVEL: 'info',
  }
  const names = ['reception', 'enrichment', 'baker', 'response-builder']
  const processes = names.map((name) => startCli([name], [name], env))
  t.after(async () => {
    await Promise.all(processes.map((p) => stopProcess(p.child)))
    await isolated.cleanup()
  })
  const urls = Object.assign({}, ...(await Promise.all(processes.map((p) => p.urls)))) as Record<
    string,
    string
  >
  const prometheus = await startPrometheus(t, urls)
  for (let i = 0; i < 3; i++)
    assert.equal(await post(`${urls.reception}/orders`, { customer: 'ann', pastry: 'croissant' }), 202)
  const expected = orderPipelineNames()
  assert.ok(
    expected.includes('bakery_orders_finished_total') ||
      expected.some((n) => n.startsWith('bakery_orders_finished')),
  )
  await expectNames(prometheus, expected, names)
})
