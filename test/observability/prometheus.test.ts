// A real Prometheus (Debian package, scripts/provision.d/prometheus.sh) scrapes a running Bakery
// and its HTTP API proves the series exist. Also: deploy/prometheus/prometheus.yml scrapes every
// service and passes promtool.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { parse } from 'yaml'
import { schema } from '../../src/config.ts'
import { startCli } from '../support/cli.ts'
import { catalogue, defaultPort, readRepoFile, repoRoot } from '../support/deploy.ts'
import { exportedSeriesNames } from '../support/exported-metrics.ts'
import { startSplitOrders } from '../support/isolated-servers.ts'
import { stopProcess, waitFor } from '../support/processes.ts'
import { prometheusBinary, startPrometheus } from '../support/prometheus.ts'
import { requireServer } from '../support/servers.ts'

interface ScrapeConfig {
  job_name: string
  dns_sd_configs?: { names: string[]; port: number }[]
  static_configs?: { targets: string[] }[]
}

test('prometheus.yml scrapes every catalogue service on its port and passes promtool', () => {
  const config = parse(readRepoFile('deploy/prometheus/prometheus.yml')) as { scrape_configs: ScrapeConfig[] }
  for (const definition of catalogue) {
    const job = config.scrape_configs.find((c) => c.job_name === definition.name)
    assert.ok(job, `no scrape job for ${definition.name}`)
    const targets = [
      ...(job.dns_sd_configs ?? []).flatMap((d) => d.names.map((n) => `${n}:${d.port}`)),
      ...(job.static_configs ?? []).flatMap((s) => s.targets),
    ]
    assert.ok(
      targets.includes(`${definition.name}:${defaultPort(definition)}`),
      `${definition.name}: ${targets}`,
    )
  }
  const promtool = prometheusBinary('promtool')
  const check = spawnSync(promtool, ['check', 'config', 'deploy/prometheus/prometheus.yml'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
  assert.equal(check.status, 0, check.stdout + check.stderr)
})

test('the deployed prometheus keeps exemplars: compose enables exemplar storage, prometheus.yml sizes it', () => {
  const compose = parse(readRepoFile('deploy/compose/docker-compose.yml')) as {
    services: Record<string, { command?: string[] }>
  }
  assert.ok(compose.services.prometheus?.command?.includes('--enable-feature=exemplar-storage'))
  const config = parse(readRepoFile('deploy/prometheus/prometheus.yml')) as {
    storage?: { exemplars?: { max_exemplars?: number } }
  }
  assert.ok((config.storage?.exemplars?.max_exemplars ?? 0) > 0)
})

interface Vector {
  metric: Record<string, string>
  value: [number, string]
}

async function query(base: string, promql: string): Promise<Vector[]> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    signal: AbortSignal.timeout(5_000),
  })
  const body = (await response.json()) as { status: string; data: { result: Vector[] } }
  assert.equal(body.status, 'success', promql)
  return body.data.result
}

test('prometheus scrapes a running bakery and its API returns the services series', async (t) => {
  const http = catalogue.filter((d) => d.kind === 'http')
  const ports = Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key.endsWith('Port'))
      .map(([, field]) => [field.env, '0']),
  )
  const bakery = startCli(
    ['start'],
    http.map((d) => d.name),
    { ...ports, HOST: '127.0.0.1', BAKERY_DEMO_TRAFFIC: 'false' },
  )
  t.after(() => stopProcess(bakery.child))
  // The HTTP services; `bakery start` also serves its workers' metrics on a port of their own,
  // which answers no application requests (the documented-metrics test scrapes it).
  const urls = Object.fromEntries(
    Object.entries(await bakery.urls).filter(([name]) => http.some((d) => d.name === name)),
  )
  // Some traffic, so the HTTP duration histogram has points (the probes are not measured).
  for (const url of Object.values(urls)) {
    for (let i = 0; i < 3; i++)
      await (await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) })).arrayBuffer()
  }

  const { base } = await startPrometheus(t, urls)
  const jobs = Object.keys(urls)
  await waitFor('every bakery target up', 30_000, async () => {
    const up = await query(base, 'up == 1')
    return jobs.every((job) => up.some((v) => v.metric.job === job)) ? true : undefined
  })
  const series = async (promql: string) =>
    waitFor(`${promql} for every service`, 20_000, async () => {
      const result = await query(base, promql)
      return jobs.every((job) => result.some((v) => v.metric.job === job)) ? result : undefined
    })

  const requests = await series('sum by (job) (http_server_request_duration_seconds_count)')
  for (const vector of requests)
    assert.ok(Number(vector.value[1]) >= 3, `${vector.metric.job} counted its requests`)
  const heap = await series('v8js_memory_heap_used_bytes{v8js_heap_space_name="old_space"}')
  assert.ok(heap.every((v) => Number(v.value[1]) > 0))
  // OTel → Prometheus names carry the unit suffix, as community dashboards query them.
  const buckets = await series('sum by (job) (http_server_request_duration_seconds_bucket{le="+Inf"})')
  assert.ok(buckets.every((v) => Number(v.value[1]) >= 3))
  assert.deepEqual(await query(base, 'http_server_request_duration_bucket'), [])
  await series('nodejs_eventloop_delay_p99_seconds')
  await series('process_cpu_time_seconds_total{cpu_mode="user"}')

  // The scan behind the dashboard test must name every family Prometheus really stored.
  const names = (await (
    await fetch(`${base}/api/v1/label/__name__/values`, { signal: AbortSignal.timeout(5_000) })
  ).json()) as { data: string[] }
  const exported = exportedSeriesNames()
  const bakeryNames = names.data.filter(
    (n) => !n.startsWith('scrape_') && !n.startsWith('prometheus_') && n !== 'up',
  )
  for (const name of bakeryNames)
    assert.ok(exported.has(name), `${name} is served but not found by the metric scan`)
})

interface ExemplarSeries {
  seriesLabels: Record<string, string>
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[]
}

async function queryExemplars(base: string, promql: string): Promise<ExemplarSeries[]> {
  const now = Date.now() / 1000
  const params = new URLSearchParams({ query: promql, start: String(now - 600), end: String(now + 60) })
  const response = await fetch(`${base}/api/v1/query_exemplars?${params}`, {
    signal: AbortSignal.timeout(5_000),
  })
  const body = (await response.json()) as { status: string; data: ExemplarSeries[] }
  assert.equal(body.status, 'success', promql)
  return body.data
}

test('prometheus with exemplar storage keeps an order key and trace id from reception and baker', async (t) => {
  const amqp = await requireServer(t, 'amqp')
  const postgres = await requireServer(t, 'postgres')
  if (!amqp || !postgres) return
  // Separate processes, as deployed: a worker alone serves /metrics on its own port.
  const { reception, baker, urls: targets } = await startSplitOrders(t, amqp, postgres)
  const { base } = await startPrometheus(t, targets, ['--enable-feature=exemplar-storage'])

  // The client's own trace id: the reception's server span continues it.
  const traceId = randomBytes(16).toString('hex')
  const accepted = await fetch(`${targets.reception}/orders`, {
    signal: AbortSignal.timeout(10_000),
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${'1'.repeat(16)}-01` },
    body: JSON.stringify({ customer: 'lisa', pastry: 'profiterole' }),
  })
  assert.equal(accepted.status, 202)
  const { orderKey } = (await accepted.json()) as { orderKey: string }
  // The baker works in a new (linked) trace: its per-order log line names it.
  const finished = await waitFor('the baker logs the finished order', 30_000, async () =>
    baker.lines.find((l) => l.msg === 'order finished' && l.order_key === orderKey),
  )
  assert.match(String(finished.trace_id), /^[0-9a-f]{32}$/)
  const acceptedLine = reception.lines.find((l) => l.msg === 'order accepted' && l.order_key === orderKey)
  assert.equal(acceptedLine?.trace_id, traceId, 'the reception logs the order in the client trace')

  const exemplarOf = (promql: string) =>
    waitFor(`an exemplar of ${promql} naming the order`, 30_000, async () => {
      for (const series of await queryExemplars(base, promql)) {
        const found = series.exemplars.find((e) => e.labels.order_key === orderKey)
        if (found) return { series: series.seriesLabels, ...found }
      }
      return undefined
    })
  const request = await exemplarOf('http_server_request_duration_seconds_bucket{job="reception"}')
  assert.equal(request.labels.trace_id, traceId)
  assert.match(request.labels.span_id ?? '', /^[0-9a-f]{16}$/)
  assert.equal(request.series.http_route, '/orders')
  assert.ok(
    Number(request.value) <= Number(request.series.le),
    `the exemplar ${request.value} s sits in its bucket le=${request.series.le}`,
  )
  for (const histogram of [
    'bakery_order_time_to_completion_milliseconds_bucket',
    'bakery_order_time_on_queue_milliseconds_bucket',
  ]) {
    const exemplar = await exemplarOf(`${histogram}{job="baker"}`)
    assert.equal(exemplar.labels.trace_id, finished.trace_id, histogram)
    assert.ok(Number(exemplar.value) <= Number(exemplar.series.le), histogram)
  }
})
