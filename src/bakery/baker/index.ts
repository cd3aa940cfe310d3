// The baker worker: consumes `orders`, moves each order pending → baking → finished with batched,
// forward-only status updates, bakes for the seed's time (scaled), and sometimes makes the seed's
// "mistake" and bakes again. Several baker processes compete on the one queue.
import { setTimeout as sleep } from 'node:timers/promises'
import { context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { createBatcher } from '../../platform/batching/index.ts'
import { migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import {
  type ConsumerRunner,
  createConsumerRunner,
  type Delivery,
  type Queue,
} from '../../platform/queue/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { startConsumerSpan, withLeafSpan, withSpan } from '../../platform/telemetry/index.ts'
import { createBakedHop } from '../../tracking/baked-hop.ts'
import { bakeTimeMs } from '../orders/menu.ts'
import { type OrderMessage, parseOrderMessage } from '../orders/message.ts'
import { bakeryMigrations } from '../orders/migrations.ts'
import { type Claimed, createOrderStore, type OrderStore } from '../orders/store.ts'

const MS_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

export function createBaker(deps: ServiceDeps): Service {
  const { config, log } = deps
  const ORDERS_QUEUE = config.ordersQueue
  const DEAD_QUEUE = `${ORDERS_QUEUE}.dead`
  const { tracer, meter } = deps.telemetry
  const finishedCounter = meter.createCounter('bakery.orders.finished', {
    description: 'Orders baked and finished',
  })
  const deadCounter = meter.createCounter('bakery.orders.dead_lettered', {
    description: 'Order messages moved to orders.dead',
  })
  // Failure counters start at 0, so rate() and alert rules see the series before the first failure.
  deadCounter.add(0)
  // Exemplar histograms: each bucket keeps its latest order (trace, span, order key).
  const timeOnQueue = deps.telemetry.exemplars.createHistogram('bakery.order.time_on_queue', {
    unit: 'ms',
    description: 'From enqueue (order time) to the baker receiving the message',
    advice: { explicitBucketBoundaries: MS_BUCKETS },
  })
  const timeToCompletion = deps.telemetry.exemplars.createHistogram('bakery.order.time_to_completion', {
    unit: 'ms',
    description: 'From order time to finished',
    advice: { explicitBucketBoundaries: MS_BUCKETS },
  })
  const depthGauge = meter.createObservableGauge('bakery.queue.depth', {
    description: 'Messages ready in the orders queue and its dead-letter queue',
  })
  let queue: Queue | undefined
  let runner: ConsumerRunner | undefined
  // The baker is the "baked" hop of the order journey (tracking pipeline) when that is on.
  const journey = createBakedHop(deps)
  depthGauge.addCallback(async (result) => {
    if (!queue) return
    for (const name of [ORDERS_QUEUE, DEAD_QUEUE]) {
      const depth = await queue.depth(name).catch(() => undefined)
      if (depth !== undefined) result.observe(depth, { 'messaging.destination.name': name })
    }
  })

  async function bake(span: Span, pastry: string): Promise<void> {
    const ms = bakeTimeMs(pastry, config.bakeTimeScale)
    if (ms > 0) await sleep(ms)
    if (Math.random() < config.bakerMistakeRate) {
      span.setAttribute('baker.mistake', true)
      span.addEvent('baker made mistake, redoing')
      if (ms > 0) await sleep(ms)
    }
  }

  function updateSpan<T>(status: string, key: string, fn: () => Promise<T>): Promise<T> {
    return withSpan(
      tracer,
      'update-order',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.operation.name': 'UPDATE',
          'db.collection.name': 'bakery.orders',
          'db.order_key': key,
          'db.order_status': status,
        },
      },
      async (span) => {
        const result = await fn()
        span.setAttribute('db.success', true)
        return result
      },
    )
  }

  function handler(store: OrderStore) {
    const claims = createBatcher<string, Claimed | undefined>({
      maxBatch: 500,
      maxConcurrent: 2,
      run: async (keys) => {
        const claimed = await store.claim(keys)
        return keys.map((k) => claimed.get(k))
      },
    })
    const finishes = createBatcher<string, boolean>({
      maxBatch: 500,
      maxConcurrent: 2,
      run: async (keys) => {
        const moved = await store.finish(keys, new Date())
        return keys.map((k) => moved.has(k))
      },
    })

    return async (message: OrderMessage, delivery: Delivery): Promise<void> => {
      const receive = trace.getActiveSpan()
      const key = message.orderKey
      receive?.setAttribute('bakery.order_key', key)
      const enqueued = Date.parse(message.timeEnqueued)
      if (Number.isFinite(enqueued)) {
        const waited = Math.max(0, Date.now() - enqueued)
        timeOnQueue.record(waited, undefined, key)
        receive?.setAttribute('queue.time_on_queue_ms', waited)
      }
      if (delivery.redelivered) receive?.setAttribute('messaging.rabbitmq.redelivered', true)
      await withSpan(
        tracer,
        'processing-order',
        { attributes: { 'baker.order_key': key } },
        async (processing) => {
          try {
            const claimed = await updateSpan('baking', key, () => claims.add(key))
            if (!claimed) {
              const status = await store.statusOf(key)
              if (status === 'finished') {
                // A redelivery of a finished order: harmless, nothing to do.
                processing.setAttribute('baker.skipped', 'already finished')
                log.debug({ order_key: key }, 'order already finished (redelivery)')
                return
              }
              if (status === undefined) {
                throw new BakeryError(ErrorCode.ORDER_UNKNOWN, `no order ${key}`)
              }
              throw new Error(`order ${key} could not be claimed (status ${status})`)
            }
            receive?.setAttribute('bakery.pastry', claimed.pastry)
            await withLeafSpan(tracer, 'baking', { attributes: { 'baker.pastry': claimed.pastry } }, (span) =>
              bake(span, claimed.pastry),
            )
            const moved = await updateSpan('finished', key, () => finishes.add(key))
            if (moved) {
              finishedCounter.add(1, { 'bakery.pastry': claimed.pastry })
              const total = Math.max(0, Date.now() - claimed.orderTime.getTime())
              timeToCompletion.record(total, undefined, key)
              processing.setAttribute('baker.time_to_completion_ms', total)
              receive?.setAttribute('baker.time_to_completion_ms', total)
              // One line per order, inside the processing span (trace_id and span_id).
              log.info(
                { order_key: key, pastry: claimed.pastry, time_to_completion_ms: total },
                'order finished',
              )
            }
            processing.setAttribute('baker.error', false)
          } catch (error) {
            processing.setAttribute('baker.error', true)
            // Each failed attempt; the consumer runner retries, then dead-letters (logged below).
            log.warn({ order_key: key, err: error }, 'order processing failed')
            throw error
          }
        },
      )
    }
  }

  return {
    name: 'baker',
    readiness: [
      { name: 'database', check: async () => (await deps.infra.database()).ping() },
      { name: 'queue', check: async () => (await deps.infra.queue()).ping() },
      ...journey.readiness,
    ],
    async start() {
      const db = traceDatabase(await deps.infra.database(), tracer)
      queue = await deps.infra.queue()
      await migrate(db, config.ordersSchema, bakeryMigrations)
      await queue.declare({ name: ORDERS_QUEUE })
      await journey.start(queue)
      const store = createOrderStore(db, config.ordersSchema)
      runner = createConsumerRunner({
        queue,
        name: journey.input,
        prefetch: config.bakerPrefetch,
        log,
        retry: {
          maxAttempts: config.bakerMaxAttempts,
          initialDelayMs: config.bakerRetryDelayMs,
          maxDelayMs: 10_000,
        },
        parse: (delivery) => parseOrderMessage(delivery.body),
        handle: journey.wrap(handler(store)),
        around: (delivery, next) => {
          const carrier = delivery.headers.traceparent ? delivery.headers : bodyTraceContext(delivery.body)
          const span = startConsumerSpan(tracer, 'receive-order', carrier, {
            attributes: {
              'messaging.system': queue?.kind === 'amqp' ? 'rabbitmq' : 'bakery_memory',
              'messaging.operation.type': 'process',
              'messaging.operation.name': 'consume',
              'messaging.destination.name': journey.input,
              'messaging.message.body.size': delivery.body.length,
              ...(delivery.messageId ? { 'messaging.message.id': delivery.messageId } : {}),
            },
          })
          return context
            .with(trace.setSpan(ROOT_CONTEXT, span), async () => {
              const outcome = await next()
              if (outcome === 'acked') {
                span.addEvent('Message processed')
                // The seed's event name, typo included, so its trace queries still match.
                span.addEvent('Message acknoqledged')
                span.setAttribute('queue.consume.success', true)
              } else {
                span.setAttribute('queue.consume.success', false)
                span.setAttribute('bakery.outcome', outcome)
                if (outcome === 'dead-lettered')
                  span.setStatus({ code: SpanStatusCode.ERROR, message: outcome })
              }
            })
            .finally(() => span.end())
        },
        onDeadLetter: (reason, delivery) => {
          deadCounter.add(1)
          // The message id is the order key (unparseable messages may have none).
          log.error({ order_key: delivery.messageId, reason }, 'order dead-lettered')
        },
      })
      await runner.start()
    },
    async stop() {
      await runner?.stop()
    },
  }
}

/** Messages without a traceparent header may still carry the seed's `traceContext` in the body. */
function bodyTraceContext(body: Buffer): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { traceContext?: Record<string, string> }
    return typeof parsed.traceContext === 'object' && parsed.traceContext !== null
      ? parsed.traceContext
      : undefined
  } catch {
    return undefined
  }
}
