// One self-test per fault type: the fault to set, a bounded probe, and the signature the probe
// must see while the fault acts (and must stop seeing within 2 s of clearing it). Signatures are
// read where a user would look: span durations and statuses, queue depth, consumer lag, heap.
import { SpanStatusCode } from '@opentelemetry/api'
import { consumerGroup } from '../../stream/event.ts'
import {
  type Answer,
  albums,
  burst,
  clientSpans,
  durationMs,
  events,
  isError,
  journey,
  loopLag,
  metricValue,
  order,
  pay,
  serverSpans,
  settle,
  spansNamed,
  statusOf,
} from './probes.ts'
import type { StackService, VerifyStack } from './stack.ts'

export interface Check {
  type: string
  target: string
  signature: string
  seenIn: string
  /** Fault bodies to set (PUT /admin/faults on `owner`, an HTTP service of the process running it). */
  faults: Record<string, unknown>[]
  owner: StackService
  /** One bounded probe: true when the signature shows. */
  probe(stack: VerifyStack): Promise<boolean>
  /** The flow the fault sits on: recovered means its requests succeed again. */
  flow(stack: VerifyStack): () => Promise<Answer>
}

const since = () => Date.now()
const minOf = (values: number[]) => (values.length === 0 ? 0 : Math.min(...values))
const maxOf = (values: number[]) => (values.length === 0 ? 0 : Math.max(...values))

export const CHECKS: readonly Check[] = [
  // --- inbound HTTP (payments)
  {
    type: 'latency',
    target: 'payments.http',
    owner: 'payments',
    flow: pay,
    signature: 'POST /payments server spans ≥ 150 ms',
    seenIn: 'traces (server span duration)',
    faults: [{ target: 'payments.http', type: 'latency', ms: 150 }],
    async probe(stack) {
      const t = since()
      await burst(3, pay(stack))
      return minOf(serverSpans(stack, 'payments', t).map(durationMs)) >= 140
    },
  },
  {
    type: 'error',
    target: 'payments.http',
    owner: 'payments',
    flow: pay,
    signature: 'server spans status 503, error',
    seenIn: 'traces (span status, http.response.status_code)',
    faults: [{ target: 'payments.http', type: 'error', status: 503 }],
    async probe(stack) {
      const t = since()
      await burst(3, pay(stack))
      const spans = serverSpans(stack, 'payments', t)
      return spans.length > 0 && spans.every((s) => statusOf(s) === 503 && isError(s))
    },
  },
  {
    type: 'reset',
    target: 'payments.http',
    owner: 'payments',
    flow: pay,
    signature: 'connections cut without an answer',
    seenIn: 'client (socket reset)',
    faults: [{ target: 'payments.http', type: 'reset' }],
    async probe(stack) {
      const answers = await burst(3, pay(stack))
      return answers.every((a) => a.error !== undefined)
    },
  },
  {
    type: 'slow-drip',
    target: 'payments.http',
    owner: 'payments',
    flow: pay,
    signature: 'answer body takes ≥ 300 ms to arrive',
    seenIn: 'client (response time)',
    faults: [{ target: 'payments.http', type: 'slow-drip', ms: 300 }],
    async probe(stack) {
      const answers = await burst(2, pay(stack))
      return minOf(answers.map((a) => a.ms)) >= 280
    },
  },
  // --- outbound HTTP (album proxy → album store)
  {
    type: 'latency',
    target: 'album-proxy.http-client',
    owner: 'album-proxy',
    flow: albums,
    signature: 'client spans to the store ≥ 150 ms',
    seenIn: 'traces (client span duration)',
    faults: [{ target: 'album-proxy.http-client', type: 'latency', ms: 150 }],
    async probe(stack) {
      const t = since()
      await burst(2, albums(stack))
      return minOf(clientSpans(stack, 'album-proxy', t).map(durationMs)) >= 140
    },
  },
  {
    type: 'error',
    target: 'album-proxy.http-client',
    owner: 'album-proxy',
    flow: albums,
    signature: 'client spans status 500; proxy answers 5xx',
    seenIn: 'traces (client span status)',
    faults: [{ target: 'album-proxy.http-client', type: 'error', status: 500 }],
    async probe(stack) {
      const t = since()
      const answers = await burst(2, albums(stack))
      const spans = clientSpans(stack, 'album-proxy', t)
      return answers.every((a) => a.status >= 500) && spans.some((s) => statusOf(s) === 500)
    },
  },
  {
    type: 'timeout',
    target: 'album-proxy.http-client',
    owner: 'album-proxy',
    flow: albums,
    signature: 'client spans fail after ≥ 250 ms; proxy answers 5xx',
    seenIn: 'traces (client span error, duration)',
    faults: [{ target: 'album-proxy.http-client', type: 'timeout', ms: 250 }],
    async probe(stack) {
      const t = since()
      const answers = await burst(2, albums(stack))
      const failed = clientSpans(stack, 'album-proxy', t).filter(isError)
      return (
        answers.every((a) => a.status >= 500) && failed.length > 0 && minOf(failed.map(durationMs)) >= 240
      )
    },
  },
  {
    type: 'refused',
    target: 'album-proxy.http-client',
    owner: 'album-proxy',
    flow: albums,
    signature: 'client spans error (connection refused); proxy answers 5xx',
    seenIn: 'traces (client span error)',
    faults: [{ target: 'album-proxy.http-client', type: 'refused' }],
    async probe(stack) {
      const t = since()
      const answers = await burst(2, albums(stack))
      return answers.every((a) => a.status >= 500) && clientSpans(stack, 'album-proxy', t).some(isError)
    },
  },
  // --- database (payments)
  {
    type: 'latency',
    target: 'payments.db',
    owner: 'payments',
    flow: pay,
    signature: 'INSERT spans ≥ 100 ms',
    seenIn: 'traces (db client span duration)',
    faults: [{ target: 'payments.db', type: 'latency', ms: 100 }],
    async probe(stack) {
      const t = since()
      await burst(2, pay(stack))
      const inserts = clientSpans(stack, 'payments', t).filter((s) => s.name.startsWith('INSERT'))
      return inserts.length > 0 && minOf(inserts.map(durationMs)) >= 95
    },
  },
  {
    type: 'error',
    target: 'payments.db',
    owner: 'payments',
    flow: pay,
    signature: 'db spans error; requests answer 500',
    seenIn: 'traces (db span status)',
    faults: [{ target: 'payments.db', type: 'error' }],
    async probe(stack) {
      const t = since()
      const answers = await burst(2, pay(stack))
      return answers.every((a) => a.status === 500) && clientSpans(stack, 'payments', t).some(isError)
    },
  },
  {
    type: 'pool-cap',
    target: 'payments.db',
    owner: 'payments',
    flow: pay,
    signature: '8 requests with 60 ms queries: the slowest ≥ 5 × 60 ms (the staircase)',
    seenIn: 'traces (server span durations)',
    faults: [
      { target: 'payments.db', type: 'pool-cap', connections: 1 },
      { target: 'payments.db', type: 'latency', ms: 60 },
    ],
    async probe(stack) {
      const t = since()
      await burst(8, pay(stack))
      return maxOf(serverSpans(stack, 'payments', t).map(durationMs)) >= 5 * 60
    },
  },
  {
    type: 'refused',
    target: 'payments.db',
    owner: 'payments',
    flow: pay,
    signature: 'server spans 503 (database unavailable)',
    seenIn: 'traces (server span status)',
    faults: [{ target: 'payments.db', type: 'refused' }],
    async probe(stack) {
      const t = since()
      await burst(2, pay(stack))
      const spans = serverSpans(stack, 'payments', t)
      return spans.length > 0 && spans.every((s) => statusOf(s) === 503)
    },
  },
  // --- queue (bakery reception publishes, baker consumes)
  {
    type: 'publish-error',
    target: 'reception.queue',
    owner: 'reception',
    flow: order,
    signature: 'publish-order spans error',
    seenIn: 'traces (producer span status)',
    faults: [{ target: 'reception.queue', type: 'publish-error' }],
    async probe(stack) {
      const t = since()
      await burst(3, order(stack))
      await settle(300)
      const publishes = spansNamed(stack, 'reception', t, (s) => s.name === 'publish-order')
      return publishes.length > 0 && publishes.every(isError)
    },
  },
  {
    type: 'publish-delay',
    target: 'reception.queue',
    owner: 'reception',
    flow: order,
    signature: 'publish-order spans ≥ 200 ms',
    seenIn: 'traces (producer span duration)',
    faults: [{ target: 'reception.queue', type: 'publish-delay', ms: 200 }],
    async probe(stack) {
      const t = since()
      await burst(3, order(stack))
      await settle(400)
      const publishes = spansNamed(stack, 'reception', t, (s) => s.name === 'publish-order')
      return publishes.length > 0 && minOf(publishes.map(durationMs)) >= 190
    },
  },
  {
    type: 'consumer-stall',
    target: 'baker.queue',
    owner: 'reception',
    flow: order,
    signature: 'no order reaches the baker while orders arrive',
    seenIn: 'traces (receive-order consumer spans stop)',
    faults: [{ target: 'baker.queue', type: 'consumer-stall' }],
    async probe(stack) {
      const t = since()
      await burst(3, order(stack))
      await settle(600)
      return spansNamed(stack, 'baker', t, (s) => s.name === 'receive-order').length === 0
    },
  },
  {
    type: 'slow-ack',
    target: 'baker.queue',
    owner: 'reception',
    flow: order,
    signature: 'receive-order spans ≥ 250 ms',
    seenIn: 'traces (consumer span duration)',
    faults: [{ target: 'baker.queue', type: 'slow-ack', ms: 250 }],
    async probe(stack) {
      const t = since()
      await burst(2, order(stack))
      await settle(700)
      const received = spansNamed(stack, 'baker', t, (s) => s.name === 'receive-order')
      return received.length > 0 && minOf(received.map(durationMs)) >= 240
    },
  },
  {
    type: 'redeliver',
    target: 'baker.queue',
    owner: 'reception',
    flow: order,
    signature: 'each order received twice',
    seenIn: 'traces (two consumer spans per message id)',
    faults: [{ target: 'baker.queue', type: 'redeliver' }],
    async probe(stack) {
      const t = since()
      await burst(2, order(stack))
      await settle(700)
      const ids = spansNamed(stack, 'baker', t, (s) => s.name === 'receive-order').map(
        (s) => s.attributes['messaging.message.id'],
      )
      return ids.length > 0 && new Set(ids).size < ids.length
    },
  },
  // --- stream (event API produces, consumer-low consumes)
  {
    type: 'produce-error',
    target: 'event-api.stream',
    owner: 'event-api',
    flow: events,
    signature: 'POST / server spans 503',
    seenIn: 'traces (server span status)',
    faults: [{ target: 'event-api.stream', type: 'produce-error' }],
    async probe(stack) {
      const t = since()
      await burst(2, events(stack))
      const spans = serverSpans(stack, 'event-api', t)
      return spans.length > 0 && spans.every((s) => statusOf(s) === 503)
    },
  },
  {
    type: 'consumer-slow',
    target: 'consumer-low.stream',
    owner: 'consumer-low',
    flow: events,
    signature: 'consumer group lag above 0 400 ms after a batch',
    seenIn: 'metrics (bakery_stream_consumer_lag)',
    faults: [{ target: 'consumer-low.stream', type: 'consumer-slow', ms: 800 }],
    async probe(stack) {
      await burst(2, events(stack))
      await settle(400)
      const stream = await stack.infra.stream()
      const group = consumerGroup(stack.config.streamGroupPrefix, 'consumer-low')
      const lag = await stream.lag(stack.config.kafkaTopic, group)
      return lag.reduce((sum, p) => sum + p.lag, 0) > 0
    },
  },
  // --- cache (the order journey's tracking store, read by GET /orders/:key/journey)
  {
    type: 'latency',
    target: 'reception.cache',
    owner: 'reception',
    flow: journey,
    signature: 'GET /orders/:key/journey server spans ≥ 150 ms',
    seenIn: 'traces (server span duration)',
    faults: [{ target: 'reception.cache', type: 'latency', ms: 150 }],
    async probe(stack) {
      const t = since()
      await burst(2, journey(stack))
      return minOf(serverSpans(stack, 'reception', t).map(durationMs)) >= 140
    },
  },
  {
    type: 'timeout',
    target: 'reception.cache',
    owner: 'reception',
    flow: journey,
    signature: 'journey reads fail after ≥ 200 ms (5xx)',
    seenIn: 'traces (server span status, duration)',
    faults: [{ target: 'reception.cache', type: 'timeout', ms: 200 }],
    async probe(stack) {
      const t = since()
      const answers = await burst(2, journey(stack))
      const spans = serverSpans(stack, 'reception', t)
      return answers.every((a) => a.status >= 500) && minOf(spans.map(durationMs)) >= 190
    },
  },
  {
    type: 'error',
    target: 'reception.cache',
    owner: 'reception',
    flow: journey,
    signature: 'journey reads answer 5xx',
    seenIn: 'traces (server span status)',
    faults: [{ target: 'reception.cache', type: 'error' }],
    async probe(stack) {
      const t = since()
      await burst(2, journey(stack))
      const spans = serverSpans(stack, 'reception', t)
      return spans.length > 0 && spans.every((s) => Number(statusOf(s)) >= 500)
    },
  },
  // --- process (the whole process: payments is in it)
  {
    type: 'memory-leak',
    target: 'payments.process',
    owner: 'payments',
    flow: pay,
    signature: 'heap grows ≥ 16 MB in 1 s',
    seenIn: 'metrics (v8js_memory_heap_used)',
    faults: [{ target: 'payments.process', type: 'memory-leak', mbPerS: 32, capMb: 64 }],
    async probe(stack) {
      const before = metricValue(await stack.metrics('payments'), 'v8js_memory_heap_used') ?? 0
      await settle(1000)
      const after = metricValue(await stack.metrics('payments'), 'v8js_memory_heap_used') ?? 0
      return after - before >= 16 * 1024 * 1024
    },
  },
  {
    type: 'event-loop-block',
    target: 'payments.process',
    owner: 'payments',
    flow: pay,
    signature: 'timer lag ≥ 100 ms',
    seenIn: 'event loop delay (nodejs_eventloop_delay)',
    faults: [{ target: 'payments.process', type: 'event-loop-block', ms: 150, everyMs: 300 }],
    probe: async () => (await loopLag(700)) >= 100,
  },
  {
    type: 'cpu-burn',
    target: 'payments.process',
    owner: 'payments',
    flow: pay,
    signature: 'threads beside the event loop use ≥ 0.15 s CPU per s',
    seenIn: 'metrics (process_cpu_time beyond the main thread)',
    faults: [{ target: 'payments.process', type: 'cpu-burn', share: 1 }],
    async probe(stack) {
      const read = async () => metricValue(await stack.metrics('payments'), 'process_cpu_time') ?? 0
      const main = () => {
        const usage = process.threadCpuUsage()
        return (usage.user + usage.system) / 1e6
      }
      const [before, mainBefore, started] = [await read(), main(), performance.now()]
      await settle(1000)
      const other = (await read()) - before - (main() - mainBefore)
      return other / ((performance.now() - started) / 1000) >= 0.15
    },
  },
]

export const SPAN_ERROR = SpanStatusCode.ERROR
