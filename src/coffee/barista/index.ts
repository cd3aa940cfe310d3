// The barista worker: consumes order.Created from `orders_barista` (bound to `orders.created`),
// brews every item with a barista who can, records each brew, and when the order is complete
// publishes order.Ready (`orders.ready`) through its outbox. Redelivered orders skip what is
// already brewed; an item nobody can brew, or an unparsable message, goes to the dead-letter queue.
import { context, trace } from '@opentelemetry/api'
import { migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import { createOutbox, type Outbox } from '../../platform/outbox/index.ts'
import { type ConsumerRunner, createConsumerRunner, type Delivery } from '../../platform/queue/index.ts'
import { startConsumerSpan } from '../../platform/telemetry/index.ts'
import type { CoffeeDeps } from '../config.ts'
import { BARISTA_QUEUE, BARISTA_QUEUE_SPEC, CREATED_KEY, type Created, decodeCreated } from '../events.ts'
import { createOrderBrewing } from './brewing.ts'
import { createCrew } from './crew.ts'
import { baristaMigrations, BARISTA_SCHEMA as S } from './migrations.ts'
import { createBrewStore } from './store.ts'

export function createBarista(deps: CoffeeDeps): Service {
  const { config, infra, log } = deps
  const { tracer, meter } = deps.telemetry
  const crew = createCrew(config.bakeTimeScale)
  const dead = meter.createCounter('coffee.orders.dead_lettered', {
    description: 'Order messages sent to orders_barista.dead',
  })
  // Starts at 0, so rate() and alert rules see the series before the first dead letter.
  dead.add(0)
  meter
    .createObservableGauge('coffee.barista.load', { description: 'Items waiting or brewing per barista' })
    .addCallback((result) => {
      for (const [barista, n] of Object.entries(crew.load())) result.observe(n, { barista })
    })
  let brewOrder: ((order: Created) => Promise<void>) | undefined
  let outbox: Outbox | undefined
  let runner: ConsumerRunner | undefined
  // One handler per order in this process: a redelivery of an order still brewing here waits for it.
  const brewing = new Map<string, Promise<void>>()

  async function handle(order: Created, delivery: Delivery): Promise<void> {
    const brew = brewOrder
    if (!brew) throw new BakeryError(ErrorCode.INTERNAL, 'barista is not started', { retryable: true })
    const earlier = brewing.get(order.id)
    if (earlier) await earlier.catch(() => undefined)
    const span = startConsumerSpan(tracer, `${BARISTA_QUEUE} process`, delivery.headers, {
      attributes: {
        'messaging.system': infra.config.amqpUrl.protocol === 'memory:' ? 'bakery_memory' : 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': BARISTA_QUEUE,
        'messaging.rabbitmq.destination.routing_key': CREATED_KEY,
        'messaging.message.redelivered': delivery.redelivered,
        'coffee.order_id': order.id,
        'coffee.items': order.items.length,
      },
    })
    const task = context.with(trace.setSpan(context.active(), span), () => brew(order))
    brewing.set(order.id, task)
    try {
      await task
    } catch (error) {
      span.recordException(error as Error)
      // Each failed attempt (the consumer runner retries, then dead-letters), in the span's trace.
      context.with(trace.setSpan(context.active(), span), () =>
        log.warn({ order_key: order.id, err: error }, 'coffee order brewing failed'),
      )
      throw error
    } finally {
      if (brewing.get(order.id) === task) brewing.delete(order.id)
      span.end()
    }
  }

  return {
    name: 'barista',
    readiness: [
      { name: 'database', check: async () => (await infra.database()).ping() },
      { name: 'queue', check: async () => (await infra.queue()).ping() },
    ],
    async start() {
      const db = traceDatabase(await infra.database(), tracer)
      const queue = await infra.queue()
      await migrate(db, S, baristaMigrations)
      await queue.declare(BARISTA_QUEUE_SPEC)
      const box = createOutbox({
        db,
        schema: S,
        queue,
        log: log.child({ component: 'outbox' }),
        pollIntervalMs: config.outboxPollMs,
        tracing: { tracer, spanName: () => 'orders.ready publish' },
      })
      outbox = box
      brewOrder = createOrderBrewing({
        db,
        brews: createBrewStore(db),
        outbox: box,
        crew,
        tracer,
        meter,
        log,
      })
      box.start()
      runner = createConsumerRunner<Created>({
        queue,
        name: BARISTA_QUEUE,
        prefetch: config.baristaPrefetch,
        log,
        retry: { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 5000 },
        parse: (delivery) => decodeCreated(delivery.body),
        handle,
        onDeadLetter: () => dead.add(1),
      })
      await runner.start()
      log.info(
        { queue: BARISTA_QUEUE, scale: config.bakeTimeScale },
        'baristas Thomas, Sofia and John are ready',
      )
    },
    async stop() {
      await runner?.stop()
      await outbox?.stop()
    },
  }
}
