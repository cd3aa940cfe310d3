// Grafana dashboards: up to date with their specs, provisioned, and every query uses only metric
// names Bakery exports (scanned from src/) or that a scrape job of prometheus.yml brings in.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { dashboards, renderDashboard } from '../../deploy/grafana/dashboards.ts'
import { readRepoFile } from '../support/deploy.ts'
import {
  exemplarHistograms,
  exportedSeriesNames,
  prometheusName,
  scanInstruments,
} from '../support/exported-metrics.ts'

const DIR = 'deploy/grafana/dashboards'
const files = readdirSync(`${new URL('../../', import.meta.url).pathname}${DIR}`).filter((f) =>
  f.endsWith('.json'),
)
interface Target {
  expr: string
  datasource: { uid: string }
  exemplar?: boolean
}
interface Dashboard {
  uid: string
  title: string
  panels: { id: number; title: string; datasource: { uid: string }; targets: Target[] }[]
  templating: { list: { query: { query: string } }[] }
}
const loaded = files.map((f) => JSON.parse(readRepoFile(`${DIR}/${f}`)) as Dashboard)

// Exporters other than Bakery that deploy/prometheus/prometheus.yml scrapes, by metric prefix.
const EXTERNAL_PREFIXES: Record<string, string> = { rabbitmq: 'rabbitmq_' }
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
  'le',
])

/** Metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '')
  const names: string[] = []
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice((match.index ?? 0) + match[0].length).trimStart()
    if (after.startsWith('(') || PROMQL_WORDS.has(match[0])) continue
    names.push(match[0])
  }
  return names
}

test('dashboards metric-name extraction finds metrics and ignores functions, labels and variables', () => {
  assert.deepEqual(
    metricNames(
      'histogram_quantile(0.99, sum by (job, le) (rate(http_server_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
    ),
    ['http_server_request_duration_seconds_bucket'],
  )
  assert.deepEqual(metricNames('sum(a_total{x="y"}) / on (job) group_left b offset 5m'), ['a_total', 'b'])
})

test('dashboards on disk match their specs (npm run docs:dashboards)', () => {
  assert.deepEqual(files.sort(), dashboards.map((d) => `${d.uid}.json`).sort())
  for (const spec of dashboards) {
    const onDisk = loaded.find((d) => d.uid === spec.uid)
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(renderDashboard(spec))), `${spec.uid} is stale`)
  }
})

test('dashboards cover orders, tracking, stream, albums, breakers and faults, and the runtime', () => {
  const uids = new Set(loaded.map((d) => d.uid))
  for (const uid of [
    'bakery-orders',
    'bakery-stream',
    'bakery-albums',
    'bakery-resilience',
    'bakery-runtime',
  ])
    assert.ok(uids.has(uid), uid)
})

test('dashboards show exemplars on the latency panels whose histograms record them, linked to traces', () => {
  const histograms = exemplarHistograms()
  const unitOf = (name: string) =>
    scanInstruments().find((i) => i.name === name && i.type === 'Histogram')?.unit
  for (const name of [
    'http.server.request.duration',
    'bakery.order.time_on_queue',
    'bakery.order.time_to_completion',
  ])
    assert.ok(histograms.includes(name), `${name} records exemplars`)
  let panels = 0
  for (const dashboard of loaded)
    for (const panel of dashboard.panels)
      for (const target of panel.targets) {
        const bucket = histograms.find((h) =>
          target.expr.includes(`${prometheusName({ name: h, type: 'Histogram', unit: unitOf(h) })}_bucket`),
        )
        if (!bucket) continue
        panels++
        assert.equal(target.exemplar, true, `${dashboard.uid} / ${panel.title}: exemplars of ${bucket}`)
      }
  assert.ok(panels >= 3, 'the order latency and request duration panels query exemplar histograms')
  const datasources = parse(readRepoFile('deploy/grafana/provisioning/datasources/datasources.yml')) as {
    datasources: {
      uid: string
      type: string
      jsonData?: { exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[] }
    }[]
  }
  const link = datasources.datasources
    .find((d) => d.type === 'prometheus')
    ?.jsonData?.exemplarTraceIdDestinations?.find((d) => d.name === 'trace_id')
  const traces = datasources.datasources.find((d) => d.uid === link?.datasourceUid)
  assert.ok(
    traces && ['jaeger', 'tempo', 'zipkin'].includes(traces.type),
    'trace_id opens a trace data source',
  )
})

describe('dashboard queries', () => {
  const exported = exportedSeriesNames()
  const prometheus = parse(readRepoFile('deploy/prometheus/prometheus.yml')) as {
    scrape_configs: { job_name: string }[]
  }
  const scrapedPrefixes = prometheus.scrape_configs
    .map((c) => EXTERNAL_PREFIXES[c.job_name])
    .filter((p): p is string => p !== undefined)
  const datasources = parse(readRepoFile('deploy/grafana/provisioning/datasources/datasources.yml')) as {
    datasources: { uid: string }[]
  }
  const uids = new Set(datasources.datasources.map((d) => d.uid))

  for (const dashboard of loaded) {
    test(`${dashboard.uid} queries use only metric names Bakery exports`, () => {
      const exprs = [
        ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
        ...dashboard.templating.list.map((v) => v.query.query.replace(/^label_values\((\w+),.*$/, '$1')),
      ]
      assert.ok(exprs.length > 0)
      for (const expr of exprs) {
        for (const name of metricNames(expr)) {
          const known = exported.has(name) || scrapedPrefixes.some((p) => name.startsWith(p))
          assert.ok(known, `${dashboard.uid}: ${name} is not exported by Bakery (query: ${expr})`)
        }
      }
    })

    test(`${dashboard.uid} panels use provisioned data sources and unique ids`, () => {
      const ids = dashboard.panels.map((p) => p.id)
      assert.equal(new Set(ids).size, ids.length)
      for (const panel of dashboard.panels) {
        assert.ok(uids.has(panel.datasource.uid), `${panel.title}: data source ${panel.datasource.uid}`)
        for (const target of panel.targets) assert.ok(uids.has(target.datasource.uid))
      }
    })
  }
})
