// The barista worker: consumes order.Created from `orders_barista` (bound to `orders.created`),
// brews every item with a barista who can, records each brew, and when the order is complete
// publishes order.Ready (`orders.ready`) through its outbox. Redelivered orders skip what is
// already brewed; an item nobody can brew, or an unparsable message, goes to the dead-letter queue.
import { context, trace } from '@opentelemetry/api'
import { type Database, migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import { createOutbox, type Outbox } from '../../platform/outbox/index.ts'
import { type ConsumerRunner, createConsumerRunner, type Delivery } from '../../platform/queue/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { startConsumerSpan, withSpan } from '../../platform/telemetry/index.ts'
import {
  BARISTA_QUEUE,
  CREATED_KEY,
  type Created,
  decodeCreated,
  encodeReady,
  eventMessage,
  ORDERS_EXCHANGE,
  READY_KEY,
} from '../events.ts'
import { createCrew } from './crew.ts'
import { baristaMigrations, BARISTA_SCHEMA as S } from './migrations.ts'

interface BrewRow {
  item_index: number
  type: string
  size: string
  state: string
  barista: string | null
  brew_ms: number | null
}

export function createBarista(deps: ServiceDeps): Service {
  const { config, infra, log } = deps
  const { tracer, meter } = deps.telemetry
  const crew = createCrew(config.bakeTimeScale)
  const brewed = meter.createCounter('coffee.items.brewed', {
    description: 'Items brewed, by barista and coffee',
  })
  const readyCounter = meter.createCounter('coffee.orders.brewed', {
    description: 'Orders completed by baristas',
  })
  const dead = meter.createCounter('coffee.orders.dead_lettered', {
    description: 'Order messages sent to orders_barista.dead',
  })
  meter
    .createObservableGauge('coffee.barista.load', { description: 'Items waiting or brewing per barista' })
    .addCallback((result) => {
      for (const [barista, n] of Object.entries(crew.load())) result.observe(n, { barista })
    })
  let db: Database | undefined
  let outbox: Outbox | undefined
  let runner: ConsumerRunner | undefined
  // One handler per order in this process: a redelivery of an order still brewing here waits for it.
  const brewing = new Map<string, Promise<void>>()

  async function brewItem(order: Created, index: number, database: Database): Promise<void> {
    const item = order.items[index]
    if (!item) return
    await withSpan(
      tracer,
      `brew ${item.type}`,
      { attributes: { 'coffee.item.type': item.type, 'coffee.item.size': item.size } },
      async (span) => {
        await database.query(
          `INSERT INTO ${S}.brews (order_id, item_index, type, size, state) VALUES ($1, $2, $3, $4, 'brewing')
          ON CONFLICT (order_id, item_index) DO UPDATE SET state = 'brewing', started_at = now()
          WHERE ${S}.brews.state <> 'done'`,
          [order.id, index, item.type, item.size],
          { name: 'barista.brews.start' },
        )
        const result = await crew.brew(item.type)
        span.setAttributes({ 'coffee.barista': result.barista, 'coffee.brew_ms': result.ms })
        await database.query(
          `UPDATE ${S}.brews SET state = 'done', barista = $3, brew_ms = $4, done_at = now(), completions = completions + 1
          WHERE order_id = $1 AND item_index = $2`,
          [order.id, index, result.barista, result.ms],
          { name: 'barista.brews.done' },
        )
        brewed.add(1, { barista: result.barista, 'coffee.item.type': item.type })
      },
    )
  }

  async function complete(order: Created, database: Database, box: Outbox): Promise<void> {
    const entries = await database.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO ${S}.ready (order_id) VALUES ($1) ON CONFLICT DO NOTHING`,
        [order.id],
      )
      if (inserted.rowCount === 0) return []
      const { rows } = await tx.query<BrewRow>(
        `SELECT item_index, type, size, state, barista, brew_ms FROM ${S}.brews WHERE order_id = $1 ORDER BY item_index`,
        [order.id],
      )
      const body = encodeReady({
        id: order.id,
        items: rows.map((r) => ({
          item: { type: r.type, size: r.size },
          barista: r.barista ?? '',
          brewMs: r.brew_ms ?? 0,
        })),
        readyAt: new Date().toISOString(),
      })
      return box.add(tx, [eventMessage(READY_KEY, body, `${order.id}.ready`)])
    })
    if (entries.length > 0) {
      readyCounter.add(1)
      // Inside the order's consumer span (trace_id, span_id); a redelivery does not log again.
      log.info({ order_key: order.id, items: order.items.length }, 'coffee order brewed')
    }
    for (const entry of entries) void box.dispatch(entry)
  }

  async function handleOrder(order: Created, database: Database, box: Outbox): Promise<void> {
    for (const item of order.items) {
      if (!crew.canBrew(item.type)) {
        throw new BakeryError(ErrorCode.MESSAGE_MALFORMED, `no barista can brew ${item.type}`, {
          retryable: false,
        })
      }
    }
    const { rows } = await database.query<{ item_index: number }>(
      `SELECT item_index FROM ${S}.brews WHERE order_id = $1 AND state = 'done'`,
      [order.id],
    )
    const done = new Set(rows.map((r) => Number(r.item_index)))
    const todo = order.items.map((_, i) => i).filter((i) => !done.has(i))
    // allSettled: every started brew finishes and is recorded before a failure is reported.
    const results = await Promise.allSettled(todo.map((i) => brewItem(order, i, database)))
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    await complete(order, database, box)
  }

  async function handle(order: Created, delivery: Delivery): Promise<void> {
    const database = db
    const box = outbox
    if (!database || !box)
      throw new BakeryError(ErrorCode.INTERNAL, 'barista is not started', { retryable: true })
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
    const task = context.with(trace.setSpan(context.active(), span), () => handleOrder(order, database, box))
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
      const database = traceDatabase(await infra.database(), tracer)
      const queue = await infra.queue()
      await migrate(database, S, baristaMigrations)
      await queue.declare({
        name: BARISTA_QUEUE,
        bindings: [{ exchange: ORDERS_EXCHANGE, pattern: CREATED_KEY }],
      })
      db = database
      outbox = createOutbox({
        db: database,
        schema: S,
        queue,
        log: log.child({ component: 'outbox' }),
        pollIntervalMs: config.outboxPollMs,
        tracing: { tracer, spanName: () => 'orders.ready publish' },
      })
      outbox.start()
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
