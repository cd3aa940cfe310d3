// The baker worker: consumes the orders queue and bakes each order (bake.ts). Several baker
// processes compete on the one queue. What follows orders from outside the bakery (the order
// journey) hooks in through `BakerHooks`, wired in services.ts; without hooks it is the bare flow.
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api'
import { migrate, traceDatabase } from '../../platform/db/index.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import {
  type ConsumerRunner,
  createConsumerRunner,
  type Delivery,
  type Outcome,
  type Queue,
} from '../../platform/queue/index.ts'
import { startConsumerSpan } from '../../platform/telemetry/index.ts'
import type { BakeryDeps } from '../config.ts'
import { declareOrderFlow, orderFlow } from '../orders/flow.ts'
import type { BakerHooks } from '../orders/hooks.ts'
import { type OrderMessage, parseOrderMessage } from '../orders/message.ts'
import { bakeryMigrations } from '../orders/migrations.ts'
import { createOrderStore } from '../orders/store.ts'
import { createBake } from './bake.ts'
import { bakerMetrics } from './metrics.ts'

const NO_HOOKS: BakerHooks = {
  readiness: [],
  async start() {},
  bake: async (_message, _delivery, bake) => {
    await bake()
  },
}

export function createBaker(deps: BakeryDeps, hooks: BakerHooks = NO_HOOKS): Service {
  const { config, log } = deps
  const flow = orderFlow(config.ordersQueue)
  const input = flow.bakerQueue
  const { tracer } = deps.telemetry
  let queue: Queue | undefined
  let runner: ConsumerRunner | undefined
  const metrics = bakerMetrics(deps.telemetry, [input, `${input}.dead`], () => queue)

  /** The receive span: a child of the publisher's trace context (header, or the body's traceContext). */
  function around(delivery: Delivery, next: () => Promise<Outcome>): Promise<void> {
    const carrier = delivery.headers.traceparent ? delivery.headers : bodyTraceContext(delivery.body)
    const span = startConsumerSpan(tracer, 'receive-order', carrier, {
      attributes: {
        'messaging.system': queue?.kind === 'amqp' ? 'rabbitmq' : 'bakery_memory',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'consume',
        'messaging.destination.name': input,
        'messaging.message.body.size': delivery.body.length,
        ...(delivery.messageId ? { 'messaging.message.id': delivery.messageId } : {}),
      },
    })
    return context
      .with(trace.setSpan(ROOT_CONTEXT, span), async () => {
        const outcome = await next()
        if (outcome === 'acked') {
          span.addEvent('Message processed')
          // The original's event name, typo included, so its trace queries still match.
          span.addEvent('Message acknoqledged')
          span.setAttribute('queue.consume.success', true)
        } else {
          span.setAttribute('queue.consume.success', false)
          span.setAttribute('bakery.outcome', outcome)
          if (outcome === 'dead-lettered') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome })
        }
      })
      .finally(() => span.end())
  }

  return {
    name: 'baker',
    readiness: [
      { name: 'database', check: async () => (await deps.infra.database()).ping() },
      { name: 'queue', check: async () => (await deps.infra.queue()).ping() },
      ...hooks.readiness,
    ],
    async start() {
      const db = traceDatabase(await deps.infra.database(), tracer)
      queue = await deps.infra.queue()
      await migrate(db, config.ordersSchema, bakeryMigrations)
      await declareOrderFlow(queue, flow)
      await hooks.start(queue)
      const bake = createBake({
        store: createOrderStore(db, config.ordersSchema),
        tracer,
        log,
        metrics,
        bakeTimeScale: config.bakeTimeScale,
        mistakeRate: config.bakerMistakeRate,
      })
      runner = createConsumerRunner({
        queue,
        name: input,
        prefetch: config.bakerPrefetch,
        log,
        retry: {
          maxAttempts: config.bakerMaxAttempts,
          initialDelayMs: config.bakerRetryDelayMs,
          maxDelayMs: 10_000,
        },
        parse: (delivery) => parseOrderMessage(delivery.body),
        handle: (message: OrderMessage, delivery) => {
          received(message, delivery)
          return hooks.bake(message, delivery, () => bake(message))
        },
        around,
        onDeadLetter: (reason, delivery) => {
          metrics.deadLettered.add(1)
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

  function received(message: OrderMessage, delivery: Delivery): void {
    const receive = trace.getActiveSpan()
    const key = message.orderKey
    receive?.setAttribute('bakery.order_key', key)
    const enqueued = Date.parse(message.timeEnqueued)
    if (Number.isFinite(enqueued)) {
      const waited = Math.max(0, Date.now() - enqueued)
      metrics.timeOnQueue.record(waited, undefined, key)
      receive?.setAttribute('queue.time_on_queue_ms', waited)
    }
    if (delivery.redelivered) receive?.setAttribute('messaging.rabbitmq.redelivered', true)
  }
}

/** Messages without a traceparent header may still carry the original `traceContext` in the body. */
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
