// Micro-benchmark (not a test): CPU per order of the spans one order produces, with the product's
// own telemetry setup, so the tracing share of the orders benchmark can be explained in µs.
//   node bench/tracing-cost.ts [--orders 50000] [--rounds 5]
// One order = the reception's trace (server span, create-order, INSERT span, publish-order with
// context injected into headers) and the baker's linked trace (receive-order, processing-order,
// 2 update-order, baking, 2 UPDATE spans), each with the attributes the services set.

import { parseArgs } from 'node:util'
import { context, type Span, SpanKind, trace } from '@opentelemetry/api'
import { loadConfig } from '../src/config.ts'
import {
  createTelemetry,
  injectTraceContext,
  startConsumerSpan,
  withLeafSpan,
  withSpan,
} from '../src/platform/telemetry/index.ts'
import { fixed, median, table } from './support.ts'

const { values } = parseArgs({
  options: { orders: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '5' } },
})
const ORDERS = Number(values.orders)

function setup(env: Record<string, string>) {
  const telemetry = createTelemetry(loadConfig(env))
  return {
    telemetry,
    reception: telemetry.forService('reception').tracer,
    baker: telemetry.forService('baker').tracer,
  }
}

async function oneOrder(t: ReturnType<typeof setup>, i: number): Promise<void> {
  const key = `${i.toString(16).padStart(32, '0')}`
  const server = t.reception.startSpan('POST /orders', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/orders',
      'url.path': '/orders',
      'server.port': 8000,
    },
  })
  let headers: Record<string, string> = {}
  await context.with(trace.setSpan(context.active(), server), async () => {
    await withSpan(
      t.reception,
      'create-order',
      { kind: SpanKind.CLIENT, attributes: { 'db.order_key': key } },
      async (s) => {
        await withLeafSpan(
          t.reception,
          'INSERT bakery.orders',
          { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } },
          async () => {},
        )
        s.setAttribute('db.success', true)
      },
    )
    headers = injectTraceContext({}, context.active()) as Record<string, string>
    const publish = t.reception.startSpan('publish-order', {
      kind: SpanKind.PRODUCER,
      attributes: { 'bakery.order_key': key, 'messaging.system': 'rabbitmq' },
    })
    headers = injectTraceContext({}, trace.setSpan(context.active(), publish)) as Record<string, string>
    publish.setAttribute('queue.publish.success', true)
    publish.end()
  })
  server.setAttribute('http.response.status_code', 202)
  server.end()
  const receive: Span = startConsumerSpan(t.baker, 'receive-order', headers, {
    attributes: { 'messaging.system': 'rabbitmq' },
  })
  await context.with(trace.setSpan(context.active(), receive), async () => {
    receive.setAttribute('bakery.order_key', key)
    receive.setAttribute('queue.time_on_queue_ms', 3)
    await withSpan(t.baker, 'processing-order', { attributes: { 'baker.order_key': key } }, async (p) => {
      for (const status of ['baking', 'finished']) {
        await withSpan(
          t.baker,
          'update-order',
          { kind: SpanKind.CLIENT, attributes: { 'db.order_status': status } },
          async (u) => {
            await withLeafSpan(
              t.baker,
              'UPDATE bakery.orders',
              { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } },
              async () => {},
            )
            u.setAttribute('db.success', true)
          },
        )
        if (status === 'baking')
          await withLeafSpan(
            t.baker,
            'baking',
            { attributes: { 'baker.pastry': 'croissant' } },
            async () => {},
          )
      }
      p.setAttribute('baker.error', false)
    })
    receive.addEvent('Message processed')
  })
  receive.end()
}

const variants: [string, Record<string, string>][] = [
  ['tracing off (OTEL_SDK_DISABLED)', { OTEL_SDK_DISABLED: 'true' }],
  ['100% sampled, no span store', { OTEL_TRACES_SAMPLER: 'always_on', BAKERY_SPAN_STORE_SIZE: '0' }],
  ['100% sampled into the span store (default)', { OTEL_TRACES_SAMPLER: 'always_on' }],
]
const rows: (string | number | null)[][] = []
for (const [name, env] of variants) {
  const t = setup(env)
  const perOrder: number[] = []
  for (let round = 0; round < Number(values.rounds); round++) {
    const before = process.cpuUsage()
    for (let i = 0; i < ORDERS; i++) await oneOrder(t, i)
    const used = process.cpuUsage(before)
    perOrder.push((used.user + used.system) / ORDERS)
  }
  await t.telemetry.shutdown()
  rows.push([name, fixed(median(perOrder)), fixed(Math.min(...perOrder)), fixed(Math.max(...perOrder))])
}
console.log(`\nCPU per order for its 12 spans, ${ORDERS} orders per round, ${values.rounds} rounds\n`)
console.log(table(['setup', 'µs/order (median)', 'min', 'max'], rows))
