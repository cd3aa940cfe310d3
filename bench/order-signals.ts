// Micro-benchmark (not a test): what the order key costs on the hot path, in CPU ns per call.
//   node bench/order-signals.ts [--ops 200000] [--rounds 7]
// - a latency point: the OTel histogram alone vs the exemplar histogram (sampled span + order
//   key), without attributes (the baker's) and with the HTTP duration's three attributes;
// - a per-order log line: pino with the product's logger setup (trace ids from the active span,
//   service field, redaction, ISO time), writing JSON to /dev/null through the product's async
//   destination (and a sync one), as `log.info({ order_key, pastry }, 'order accepted')` from a
//   request child logger.
// Heap bytes per call are measured in batches that no scavenge interrupts (median of batches).
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { type Attributes, context, TraceFlags, trace } from '@opentelemetry/api'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import pino from 'pino'
import { createLogging } from '../src/platform/log/index.ts'
import { createExemplarMeter } from '../src/platform/telemetry/index.ts'
import { fixed, median, table } from './support.ts'

const { values } = parseArgs({
  options: { ops: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '7' } },
})
const OPS = Number(values.ops)
const ROUNDS = Number(values.rounds)

/** CPU time (user + system, every thread of the process) per call: steadier than wall time on a
 * shared machine, and it counts the destination's writes wherever they run. */
function nsPerCall(fn: (i: number) => void): number {
  for (let i = 0; i < 20_000; i++) fn(i) // warm up the JIT
  const rounds: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage()
    for (let i = 0; i < OPS; i++) fn(i)
    const used = process.cpuUsage(before)
    rounds.push(((used.user + used.system) * 1000) / OPS)
  }
  return median(rounds)
}

function bytesPerCall(fn: (i: number) => void): number {
  const BATCH = 1_000
  const deltas: number[] = []
  for (let b = 0; b < 200; b++) {
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < BATCH; i++) fn(i)
    const delta = process.memoryUsage().heapUsed - before
    if (delta >= 0) deltas.push(delta / BATCH) // a negative delta means a scavenge ran: discarded
  }
  return median(deltas)
}

const meter = new MeterProvider().getMeter('bench')
const exemplars = createExemplarMeter(meter)
const buckets = { advice: { explicitBucketBoundaries: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] } }
const plain = meter.createHistogram('plain', buckets)
const withExemplars = exemplars.createHistogram('exemplary', buckets)
const plainHttp = meter.createHistogram('plain.http', buckets)
const httpWithExemplars = exemplars.createHistogram('exemplary.http', buckets)
const span = trace.wrapSpanContext({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
})
const keys = Array.from({ length: 1024 }, (_, i) => i.toString(16).padStart(32, '0'))
const routes = ['/orders', '/orders/:key', '/']
// Fresh attribute objects per call, as the HTTP hook builds them.
const httpAttributes = (i: number): Attributes => ({
  'http.request.method': 'POST',
  'http.route': routes[i % 3] as string,
  'http.response.status_code': 202,
})

const rows: (string | number | null)[][] = []
function row(name: string, fn: (i: number) => void) {
  rows.push([name, fixed(nsPerCall(fn)), fixed(bytesPerCall(fn))])
}
row('histogram.record (OTel), no attributes', (i) => plain.record(i % 3000))
row('exemplar histogram, no attributes', (i) =>
  withExemplars.record(i % 3000, undefined, keys[i & 1023], span),
)
row('histogram.record (OTel), 3 attributes', (i) => plainHttp.record(i % 3000, httpAttributes(i)))
row('exemplar histogram, 3 attributes', (i) =>
  httpWithExemplars.record(i % 3000, httpAttributes(i), keys[i & 1023], span),
)

// The product's destination (asynchronous, as on stdout), and a synchronous one whose heap figure
// is not inflated by lines waiting in the asynchronous buffer.
const asyncDestination = pino.destination({ dest: '/dev/null', sync: false })
const syncDestination = pino.destination({ dest: '/dev/null', sync: true })
await Promise.all([once(asyncDestination, 'ready'), once(syncDestination, 'ready')])
const requestLogger = (destination: pino.DestinationStream, level = 'info') =>
  createLogging({ level, format: 'json', destination }).forService('reception').child({ reqId: 'req-1' })
const loggers: [string, pino.Logger][] = [
  ['log line (info, in a span, async to /dev/null)', requestLogger(asyncDestination)],
  ['log line (info, in a span, sync to /dev/null)', requestLogger(syncDestination)],
  ['log call below the level (off)', requestLogger(syncDestination, 'warn')],
]
context.with(trace.setSpan(context.active(), span), () => {
  for (const [name, log] of loggers)
    row(name, (i) => log.info({ order_key: keys[i & 1023], pastry: 'croissant' }, 'order accepted'))
})
asyncDestination.flushSync()

console.log(`\nHot-path cost of the order key, ${OPS} calls per round, median of ${ROUNDS} rounds\n`)
console.log(table(['call', 'CPU ns/call', 'heap bytes/call'], rows))
