// A tracking hop as a queue worker: consume the hop's queue, run the hop (tracked: start,
// heartbeats, end, span, latency), hand the message on to the next queue, then ack. Failures
// are retried a bounded number of times with backoff, then dead-lettered with the reason;
// unparseable messages are dead-lettered at once.
import { hostname } from 'node:os'
import { context, trace } from '@opentelemetry/api'
import { errorMessage } from '../platform/errors.ts'
import type { ReadinessCheck, Service } from '../platform/lifecycle/index.ts'
import type { Consumer, Delivery, Queue } from '../platform/queue/port.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'
import { injectTraceContext, markSpanError, startConsumerSpan } from '../platform/telemetry/index.ts'
import { createHopTracker, type HopRun, type HopTracker } from './hop.ts'
import type { Hop } from './journey.ts'
import { type HopMessage, parseHopMessage } from './messages.ts'
import { registerActivityGauges } from './metrics.ts'
import type { Fields, TrackingStore } from './store/index.ts'

const ATTEMPT_HEADER = 'x-bakery-attempt'

export interface HopContext {
  store: TrackingStore
  queue: Queue
}

export interface HopWorkerOptions {
  name: string
  hop: Hop
  deps: ServiceDeps
  /** The process's queue (opened once per process). */
  queue: () => Promise<Queue>
  input: string
  /** Queue the enriched message goes to next; none for the last hop. */
  output?: string
  maxAttempts?: number
  /** The hop's work: returns the message for the next hop. */
  work(message: HopMessage, context: HopContext): Promise<HopMessage>
  /** For the last hop: writes the end through `finalise` instead of a plain record. */
  finish?: (message: HopMessage, fields: Fields, context: HopContext) => Promise<void>
}

export function createHopWorker(options: HopWorkerOptions): Service {
  const { deps } = options
  const log = deps.log
  const maxAttempts = options.maxAttempts ?? 5
  let queue: Queue | undefined
  let store: TrackingStore | undefined
  let tracker: HopTracker | undefined
  let consumer: Consumer | undefined

  async function handle(delivery: Delivery): Promise<void> {
    const parsed = parseHopMessage(delivery.body)
    if (!parsed.ok) {
      log.error(
        { reason: parsed.reason, body: delivery.body.toString('utf8').slice(0, 2000) },
        'bad hop message',
      )
      await delivery.deadLetter(parsed.reason)
      return
    }
    const message = parsed.message
    const span = startConsumerSpan(deps.telemetry.tracer, `receive ${options.input}`, delivery.headers, {
      attributes: {
        'messaging.system': queue?.kind === 'amqp' ? 'rabbitmq' : 'memory',
        'messaging.operation.type': 'receive',
        'messaging.destination.name': options.input,
        'bakery.order_key': message.orderKey,
      },
    })
    span.setAttribute('messaging.message.redelivered', delivery.redelivered)
    try {
      await context.with(trace.setSpan(context.active(), span), () => runHop(delivery, message))
    } catch (error) {
      markSpanError(span, error)
      await retryOrDeadLetter(delivery, error)
    } finally {
      span.end()
    }
  }

  async function runHop(delivery: Delivery, message: HopMessage): Promise<void> {
    if (!tracker || !store || !queue) throw new Error(`${options.name} is not started`)
    const context: HopContext = { store, queue }
    const finish = options.finish
    const run: HopRun<HopMessage> = await tracker.run(
      { key: message.orderKey, carried: message.journey ?? {}, redelivered: delivery.redelivered },
      () => options.work(message, context),
      finish ? (fields, result) => finish(result, fields, context) : undefined,
    )
    const next: HopMessage = { ...run.result, journey: run.fields }
    if (options.output && queue) {
      await queue.publish({ routingKey: options.output }, Buffer.from(JSON.stringify(next)), {
        headers: injectTraceContext({}) as Record<string, string>,
        contentType: 'application/json',
        messageId: message.orderKey,
      })
    }
    await delivery.ack()
  }

  async function retryOrDeadLetter(delivery: Delivery, error: unknown): Promise<void> {
    const attempt = Number(delivery.headers[ATTEMPT_HEADER] ?? '1')
    if (attempt >= maxAttempts || !queue) {
      log.error({ err: error, attempt }, 'hop failed for good, dead-lettering')
      await delivery.deadLetter(`${options.name}: ${errorMessage(error)}`)
      return
    }
    log.warn({ err: error, attempt }, 'hop failed, retrying')
    await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5_000)))
    await queue.publish({ routingKey: options.input }, delivery.body, {
      headers: { ...delivery.headers, [ATTEMPT_HEADER]: String(attempt + 1) },
      contentType: 'application/json',
    })
    await delivery.ack()
  }

  const readiness: ReadinessCheck[] = [
    {
      name: 'tracking-store',
      async check() {
        if (!store) throw new Error('tracking store not opened yet')
        await store.ping()
      },
    },
    {
      name: 'queue',
      async check() {
        if (!queue) throw new Error('queue not opened yet')
        await queue.ping()
      },
    },
    {
      name: 'consumer',
      async check() {
        if (!consumer) throw new Error(`not consuming ${options.input}`)
      },
    },
  ]

  return {
    name: options.name,
    readiness,
    async start() {
      store = await deps.infra.trackingStore()
      tracker = createHopTracker({
        hop: options.hop,
        store,
        tracer: deps.telemetry.tracer,
        meter: deps.telemetry.meter,
        log,
        heartbeatMs: deps.config.heartbeatMs,
        workerId: `${options.name}@${hostname()}:${process.pid}`,
      })
      registerActivityGauges(deps.telemetry.meter, store, deps.config.stallAfterMs, log)
      queue = await options.queue()
      await queue.declare({ name: options.input })
      if (options.output) await queue.declare({ name: options.output })
      consumer = await queue.consume(options.input, handle, { prefetch: deps.config.hopPrefetch })
      log.info({ input: options.input, output: options.output, worker: tracker.workerId }, 'hop consuming')
    },
    async stop() {
      const current = consumer
      consumer = undefined
      await current?.cancel()
    },
  }
}
