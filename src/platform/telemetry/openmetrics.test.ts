import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Span, TraceFlags, trace } from '@opentelemetry/api'
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { type Family, parseOpenMetrics, type Sample } from '../../../test/support/openmetrics.ts'
import { createExemplarMeter } from './exemplars.ts'
import { canonicalNumber, serializeOpenMetrics } from './openmetrics.ts'

const BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

function setup() {
  const reader = new PrometheusExporter({ preventServerStart: true })
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'baker', 'process.pid': 42 }),
    readers: [reader],
  })
  const meter = provider.getMeter('bakery', '0.1.0')
  const exemplars = createExemplarMeter(meter)
  return {
    meter,
    exemplars,
    async openMetrics() {
      const { resourceMetrics } = await reader.collect()
      return serializeOpenMetrics(resourceMetrics, exemplars.reservoir)
    },
    async prometheusText() {
      const { resourceMetrics } = await reader.collect()
      return new PrometheusSerializer().serialize(resourceMetrics)
    },
  }
}

function spanWith(traceId: string, spanId: string, sampled = true): Span {
  return trace.wrapSpanContext({
    traceId,
    spanId,
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
  })
}

function family(families: Family[], name: string): Family {
  const found = families.find((f) => f.name === name)
  assert.ok(found, `family ${name} in ${families.map((f) => f.name)}`)
  return found
}

const buckets = (f: Family): Sample[] => f.samples.filter((s) => s.name.endsWith('_bucket'))

test('openmetrics text has one family per metric, counters as <name> with _total samples, and ends with # EOF', async () => {
  const { meter, openMetrics } = setup()
  meter.createCounter('bakery.orders.finished').add(3, { 'bakery.pastry': 'croissant' })
  meter.createCounter('bakery.things_total').add(1)
  meter.createUpDownCounter('bakery.in_flight').add(2)
  meter.createObservableGauge('bakery.queue.depth').addCallback((r) => r.observe(7, { queue: 'orders' }))
  meter.createHistogram('bakery.plain.duration', { description: 'a "quoted"\nhelp \\ text' }).record(3)

  const text = await openMetrics()
  assert.ok(text.endsWith('\n# EOF\n'))
  const families = parseOpenMetrics(text)

  const finished = family(families, 'bakery_orders_finished')
  assert.equal(finished.type, 'counter')
  assert.deepEqual(
    finished.samples.map((s) => [s.name, s.labels.bakery_pastry, s.value]),
    [['bakery_orders_finished_total', 'croissant', 3]],
  )
  assert.equal(finished.samples[0]?.labels.otel_scope_name, 'bakery')
  assert.equal(family(families, 'bakery_things').samples[0]?.name, 'bakery_things_total', 'no _total_total')
  assert.equal(family(families, 'bakery_in_flight').type, 'gauge', 'a non-monotonic sum is a gauge')
  assert.equal(family(families, 'bakery_queue_depth').samples[0]?.value, 7)

  const info = family(families, 'target')
  assert.equal(info.type, 'info')
  assert.deepEqual(info.samples[0]?.labels, { service_name: 'baker', process_pid: '42' })

  const plain = family(families, 'bakery_plain_duration')
  assert.equal(plain.help, 'a \\"quoted\\"\\nhelp \\\\ text', 'HELP is escaped')
  assert.equal(buckets(plain).at(-1)?.labels.le, '+Inf')
  assert.ok(
    buckets(plain).every((b) => b.exemplar === undefined),
    'plain histograms have no exemplars',
  )
})

// `le` is compared as a number: OpenMetrics renders it canonically ("1.0"), the OTel exporter's
// Prometheus text does not ("1"); Prometheus 3 normalises both on scrape.
const seriesKey = (name: string, labels: [string, string][]) =>
  `${name}${JSON.stringify(labels.map(([k, v]) => [k, k === 'le' ? String(Number(v)) : v]).sort())}`

test('openmetrics serves exactly the series of the prometheus text, so dashboards read either', async () => {
  const { meter, exemplars, openMetrics, prometheusText } = setup()
  meter.createCounter('bakery.orders.accepted').add(1, { 'bakery.pastry': 'escargot' })
  meter.createObservableGauge('bakery.queue.depth').addCallback((r) => r.observe(1))
  exemplars
    .createHistogram('http.server.request.duration', { advice: { explicitBucketBoundaries: [0.1, 1] } })
    .record(
      0.05,
      { 'http.route': '/orders', 'http.response.status_code': 202 },
      'k'.repeat(32),
      spanWith('a'.repeat(32), 'b'.repeat(16)),
    )

  const series = new Set<string>()
  for (const f of parseOpenMetrics(await openMetrics()))
    for (const s of f.samples) series.add(seriesKey(s.name, Object.entries(s.labels)))
  const expected = new Set<string>()
  for (const line of (await prometheusText()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? \S+$/.exec(line)
    if (!match) continue
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
    expected.add(
      seriesKey(
        match[1] as string,
        labels.map((m) => [m[1] as string, m[2] as string]),
      ),
    )
  }
  assert.ok(expected.size > 5)
  assert.deepEqual(series, expected)
})

test('each histogram bucket keeps its latest exemplar with trace_id, span_id, order_key, value and time', async () => {
  const { exemplars, openMetrics } = setup()
  const histogram = exemplars.createHistogram('bakery.order.time_to_completion', {
    unit: 'ms',
    advice: { explicitBucketBoundaries: BUCKETS },
  })
  const before = Date.now()
  histogram.record(7, undefined, 'a1'.repeat(16), spanWith('1'.repeat(32), '2'.repeat(16)))
  histogram.record(8, undefined, 'b2'.repeat(16), spanWith('3'.repeat(32), '4'.repeat(16)))
  histogram.record(700, undefined, 'c3'.repeat(16), spanWith('5'.repeat(32), '6'.repeat(16)))
  histogram.record(99_999, undefined, 'd4'.repeat(16), spanWith('7'.repeat(32), '8'.repeat(16)))
  histogram.record(0.5, undefined, 'e5'.repeat(16), spanWith('9'.repeat(32), 'a'.repeat(16), false))
  histogram.record(1000) // no active span: counted, no exemplar

  const completion = family(
    parseOpenMetrics(await openMetrics()),
    'bakery_order_time_to_completion_milliseconds',
  )
  assert.equal(completion.type, 'histogram')
  const rows = buckets(completion)
  assert.deepEqual(
    rows.map((b) => b.labels.le),
    [...BUCKETS.map(canonicalNumber), '+Inf'],
  )
  assert.deepEqual(
    rows.map((b) => b.value),
    [1, 1, 3, 3, 3, 3, 3, 3, 5, 5, 5, 5, 5, 5, 6],
    'cumulative counts',
  )
  const count = completion.samples.find((s) => s.name.endsWith('_count'))
  assert.equal(count?.value, 6, '_count equals the +Inf bucket')
  assert.equal(
    completion.samples.find((s) => s.name.endsWith('_sum'))?.value,
    7 + 8 + 700 + 99_999 + 0.5 + 1000,
  )

  const withExemplar = rows.filter((b) => b.exemplar)
  assert.deepEqual(
    withExemplar.map((b) => [b.labels.le, b.exemplar?.labels, b.exemplar?.value]),
    [
      ['10.0', { trace_id: '3'.repeat(32), span_id: '4'.repeat(16), order_key: 'b2'.repeat(16) }, 8],
      ['1000.0', { trace_id: '5'.repeat(32), span_id: '6'.repeat(16), order_key: 'c3'.repeat(16) }, 700],
      ['+Inf', { trace_id: '7'.repeat(32), span_id: '8'.repeat(16), order_key: 'd4'.repeat(16) }, 99_999],
    ],
    'the latest sampled point of each bucket; unsampled and span-less points keep none',
  )
  for (const row of withExemplar) {
    const seconds = row.exemplar?.timestamp ?? 0
    assert.ok(
      seconds * 1000 >= before - 1 && seconds * 1000 <= Date.now() + 1,
      `timestamp ${seconds} in seconds`,
    )
  }
})

test('exemplars belong to their own series, and a key breaking the 128-character limit is left out', async () => {
  const { exemplars, openMetrics } = setup()
  const duration = exemplars.createHistogram('http.server.request.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 1] },
  })
  const orders = { 'http.request.method': 'POST', 'http.route': '/orders', 'http.response.status_code': 202 }
  const health = { 'http.request.method': 'GET', 'http.route': '/', 'http.response.status_code': 200 }
  duration.record(0.05, orders, 'f'.repeat(32), spanWith('c'.repeat(32), 'd'.repeat(16)))
  duration.record(0.05, health, undefined, spanWith('e'.repeat(32), 'f'.repeat(16)))
  duration.record(0.5, orders, 'x'.repeat(80), spanWith('1'.repeat(32), '2'.repeat(16)))

  const rows = buckets(family(parseOpenMetrics(await openMetrics()), 'http_server_request_duration_seconds'))
  const exemplarOf = (route: string, le: string) =>
    rows.find((r) => r.labels.http_route === route && r.labels.le === le)?.exemplar?.labels
  assert.deepEqual(exemplarOf('/orders', '0.1'), {
    trace_id: 'c'.repeat(32),
    span_id: 'd'.repeat(16),
    order_key: 'f'.repeat(32),
  })
  assert.deepEqual(exemplarOf('/', '0.1'), { trace_id: 'e'.repeat(32), span_id: 'f'.repeat(16) })
  assert.deepEqual(exemplarOf('/orders', '1.0'), { trace_id: '1'.repeat(32), span_id: '2'.repeat(16) })
  assert.equal(exemplarOf('/', '1.0'), undefined)
})

test('le values follow the canonical number rendering of the spec', () => {
  const cases: [number, string][] = [
    [0, '0.0'],
    [0.001, '0.001'],
    [0.0025, '0.0025'],
    [0.95, '0.95'],
    [1, '1.0'],
    [1.7, '1.7'],
    [10, '10.0'],
    [2500, '2500.0'],
    [100000, '100000.0'],
    [1e6, '1e+06'],
    [1e10, '1e+10'],
    [1.1e23, '1.1e+23'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [1e-10, '1e-10'],
    [Number.POSITIVE_INFINITY, '+Inf'],
  ]
  for (const [value, text] of cases) assert.equal(canonicalNumber(value), text, String(value))
})
