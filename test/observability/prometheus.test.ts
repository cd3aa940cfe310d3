// A real Prometheus (Debian package, scripts/provision.d/prometheus.sh) scrapes a running Bakery
// and its HTTP API proves the series exist. Also: deploy/prometheus/prometheus.yml scrapes every
// service and passes promtool.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse, stringify } from 'yaml'
import { schema } from '../../src/platform/config/schema.ts'
import { startCli } from '../support/cli.ts'
import { catalogue, defaultPort, readRepoFile, repoRoot } from '../support/deploy.ts'
import { exportedSeriesNames } from '../support/exported-metrics.ts'
import { freePort, provision, stopProcess, waitFor } from '../support/processes.ts'

function which(binary: string): string | undefined {
  const result = spawnSync('bash', ['-c', `command -v ${binary}`], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : undefined
}

function prometheusBinaries(): { prometheus: string; promtool: string } {
  if (!which('prometheus') || !which('promtool')) provision('prometheus')
  const prometheus = which('prometheus')
  const promtool = which('promtool')
  assert.ok(
    prometheus && promtool,
    'prometheus and promtool are installed by scripts/provision.d/prometheus.sh',
  )
  return { prometheus, promtool }
}

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
  const { promtool } = prometheusBinaries()
  const check = spawnSync(promtool, ['check', 'config', 'deploy/prometheus/prometheus.yml'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
  assert.equal(check.status, 0, check.stdout + check.stderr)
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
  const { prometheus } = prometheusBinaries()
  const http = catalogue.filter((d) => d.kind === 'http')
  const ports = Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key.endsWith('Port'))
      .map(([, field]) => [field.env, '0']),
  )
  const bakery = startCli(
    ['start'],
    http.map((d) => d.name),
    { ...ports, HOST: '127.0.0.1' },
  )
  t.after(() => stopProcess(bakery.child))
  const urls = await bakery.urls
  // Some traffic, so the HTTP duration histogram has points (the probes are not measured).
  for (const url of Object.values(urls)) {
    for (let i = 0; i < 3; i++)
      await (await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) })).arrayBuffer()
  }

  const dir = mkdtempSync(join(tmpdir(), 'bakery-prometheus-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms' },
    scrape_configs: Object.entries(urls).map(([name, url]) => ({
      job_name: name,
      static_configs: [{ targets: [new URL(url).host] }],
    })),
  }
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server: ChildProcess = spawn(
    prometheus,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  server.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  t.after(() => stopProcess(server))

  await waitFor(`prometheus ready (${log})`, 30_000, async () =>
    (await fetch(`${base}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined,
  )
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

  const requests = await series('sum by (job) (http_server_request_duration_count)')
  for (const vector of requests)
    assert.ok(Number(vector.value[1]) >= 3, `${vector.metric.job} counted its requests`)
  const heap = await series('v8js_memory_heap_used{v8js_heap_space_name="old_space"}')
  assert.ok(heap.every((v) => Number(v.value[1]) > 0))
  await series('nodejs_eventloop_delay_p99')
  await series('process_cpu_time_total{cpu_mode="user"}')

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
