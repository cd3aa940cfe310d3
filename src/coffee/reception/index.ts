// Coffee reception (seed coffee-shop 0.0.6, :8080): POST /orders → 201 + Location, GET /orders/{id},
// /coffees, /status. Orders are priced from the database, paid through the payments service (behind
// the resilience policy; while it is down orders wait as awaiting_payment), then published as
// order.Created through the outbox; the barista's order.Ready marks them ready.
import { randomUUID } from 'node:crypto'
import { SpanKind } from '@opentelemetry/api'
import type { FastifyInstance } from 'fastify'
import { isRedisUrl, type Redis } from '../../platform/cache/index.ts'
import {
  type Database,
  databaseReadPolicy,
  guardedRead,
  isDatabaseUnavailable,
  isRetryableDbError,
  migrate,
  traceDatabase,
} from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import {
  createHttpService,
  errorReply,
  type HttpService,
  registerAdminRoutes,
} from '../../platform/http/index.ts'
import { createOutbox, type Outbox } from '../../platform/outbox/index.ts'
import type { ConsumerRunner } from '../../platform/queue/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { withSpan } from '../../platform/telemetry/index.ts'
import { BARISTA_QUEUE, CREATED_KEY, ORDERS_EXCHANGE, READY_KEY, RECEPTION_READY_QUEUE } from '../events.ts'
import { COFFEE_SCHEMA, coffeeMigrations } from './migrations.ts'
import { createPaymentProcessor, type PaymentProcessor } from './payment-processor.ts'
import { createPaymentsClient, isPaymentsFailure, type PaymentsClient } from './payments-client.ts'
import { RATE_LIMIT_BREAKER, registerProtection } from './protection.ts'
import { createReadyConsumer } from './ready-consumer.ts'
import { type CoffeeOrder, type CoffeeStore, createCoffeeStore, type StoredItem } from './store.ts'
import { badRequest, checkOrderId, parseCoffee, parseOrderRequest } from './validate.ts'

const BODY_LIMIT = 16 * 1024

function orderView(order: CoffeeOrder) {
  return {
    id: order.id,
    created_at: order.createdAt.toISOString(),
    items: order.items.map((i) => ({
      type: i.type,
      size: i.size,
      price: i.price,
      state: i.state,
      ...(i.barista ? { barista: i.barista } : {}),
    })),
    customer_name: order.customerName,
    status: order.status,
    total: order.total,
    ...(order.paidAt ? { paid_at: order.paidAt.toISOString() } : {}),
    ...(order.readyAt ? { ready_at: order.readyAt.toISOString() } : {}),
  }
}

export function createCoffeeReception(deps: ServiceDeps): HttpService {
  const { config, infra, log } = deps
  const { tracer, meter } = deps.telemetry
  const accepted = meter.createCounter('coffee.orders.accepted', {
    description: 'Coffee orders accepted (201)',
  })
  const policy = infra.breakers.policy(
    {
      name: 'payments',
      timeoutMs: config.paymentsTimeoutMs,
      maxAttempts: 3,
      failureThreshold: 5,
      halfOpenAfterMs: 1000,
      isFailure: isPaymentsFailure,
    },
    { log, meter },
  )
  const dbReads = databaseReadPolicy(infra.breakers, { log, meter })
  const rateLimitPolicy =
    isRedisUrl(config.redisUrl) && config.coffeeRateLimit > 0
      ? infra.breakers.policy(RATE_LIMIT_BREAKER, { log, meter })
      : undefined
  let db: Database | undefined
  let store: CoffeeStore | undefined
  let outbox: Outbox | undefined
  let payments: PaymentsClient | undefined
  let processor: PaymentProcessor | undefined
  let readyConsumer: ConsumerRunner | undefined
  let redis: Redis | undefined
  let backlog = 0
  let backlogTimer: NodeJS.Timeout | undefined

  function ready() {
    if (!db || !store || !processor) {
      throw new BakeryError(ErrorCode.HTTP_OVERLOADED, 'reception is starting', {
        status: 503,
        retryable: true,
      })
    }
    return { db, store, processor }
  }

  // The menu changes rarely: cached for a few seconds (and dropped on POST /coffees), and a stale
  // copy serves while the database is briefly away.
  let menuCache: { at: number; menu: Promise<Awaited<ReturnType<CoffeeStore['menu']>>> } | undefined
  async function currentMenu() {
    const cached = menuCache
    if (cached && Date.now() - cached.at < 5000) return cached.menu
    const { store: orders } = ready()
    const fresh = { at: Date.now(), menu: guardedRead(dbReads, () => orders.menu()) }
    menuCache = fresh
    try {
      return await fresh.menu
    } catch (error) {
      if (cached && isDatabaseUnavailable(error)) {
        menuCache = cached
        return cached.menu
      }
      if (menuCache === fresh) menuCache = undefined
      throw error
    }
  }

  async function price(items: { type: string; size: string }[]): Promise<StoredItem[]> {
    const menu = await currentMenu()
    return items.map((item, i) => {
      const coffee = menu.coffees.find((c) => c.name === item.type)
      if (!coffee) {
        throw badRequest('the requested coffee is not supported yet', [
          {
            field: `items.${i}.type`,
            message: `must be one of ${menu.coffees.map((c) => c.name).join(', ')}`,
          },
        ])
      }
      const surcharge = menu.sizes.get(item.size)
      if (surcharge === undefined) {
        throw badRequest('the requested size is not supported', [
          { field: `items.${i}.size`, message: `must be one of ${[...menu.sizes.keys()].join(', ')}` },
        ])
      }
      return {
        type: item.type,
        size: item.size,
        price: Math.round((coffee.price + surcharge) * 100) / 100,
        state: 'pending',
      }
    })
  }

  const http = createHttpService({
    name: 'coffee-reception',
    host: config.host,
    port: deps.port,
    log,
    telemetry: deps.telemetry,
    bodyLimit: config.bodyLimitBytes,
    readiness: [
      { name: 'database', check: async () => (await infra.database()).ping() },
      { name: 'queue', check: async () => (await infra.queue()).ping() },
    ],
    routes(app) {
      registerAdminRoutes(app, {
        token: infra.adminToken,
        breakers: [policy, dbReads, ...(rateLimitPolicy ? [rateLimitPolicy] : [])],
        faults: infra.faults,
        defaultTarget: 'coffee-reception',
      })

      app.register(async (scope) => {
        // Like the seed, any content type (or none) is read as JSON, so errors say "could not parse".
        scope.removeAllContentTypeParsers()
        scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
          done(null, body),
        )
        // The shared handler answers an unavailable database with 503; here deadlocks and
        // serialization failures too: nothing was stored, so the client may safely try again.
        scope.setErrorHandler((error, request, reply) => {
          if (!isRetryableDbError(error)) return errorReply(error as Error, request, reply)
          reply.header('retry-after', '2')
          return errorReply(
            new BakeryError(ErrorCode.DB_UNAVAILABLE, 'the order store is unavailable', {
              cause: error,
              status: 503,
            }),
            request,
            reply,
          )
        })
        await registerProtection(scope as unknown as FastifyInstance, {
          config,
          backlog: () => backlog,
          redis: redis && rateLimitPolicy ? { connection: redis, policy: rateLimitPolicy } : undefined,
        })

        scope.post('/orders', async (request, reply) => {
          const body = parseOrderRequest(request.body as Buffer | undefined)
          const items = await price(body.items)
          const total = Math.round(items.reduce((sum, i) => sum + i.price, 0) * 100) / 100
          const order = { id: randomUUID(), customerName: body.name, items, total }
          const { db: database, store: orders, processor: payer } = ready()
          await withSpan(
            tracer,
            'create-order',
            {
              kind: SpanKind.INTERNAL,
              attributes: { 'coffee.order_id': order.id, 'coffee.order_total': total },
            },
            () => database.transaction((tx) => orders.insert(tx, order)),
          )
          accepted.add(1)
          // One line per order, inside the request span (trace_id, span_id).
          request.log.info({ order_key: order.id, items: items.length }, 'coffee order accepted')
          payer.submit(order)
          return reply.code(201).header('location', `/orders/${order.id}`).send()
        })

        scope.post('/coffees', async (request, reply) => {
          const coffee = parseCoffee(request.body as Buffer | undefined)
          const created = await ready().store.addCoffee(coffee.name, coffee.price)
          menuCache = undefined
          if (!created)
            throw badRequest(`coffee ${coffee.name} exists`, [{ field: 'name', message: 'exists' }])
          return reply.code(201).header('location', `/coffees/${created.id}`).send()
        })
      })

      app.get('/orders/:id', async (request, reply) => {
        const { id } = request.params as { id: string }
        checkOrderId(id)
        const orders = ready().store
        const order = await guardedRead(dbReads, () => orders.get(id))
        if (!order) return reply.code(404).send({ code: ErrorCode.HTTP_NOT_FOUND, message: `no order ${id}` })
        return orderView(order)
      })

      app.get('/coffees', async () => {
        const menu = await currentMenu()
        return { coffees: menu.coffees, sizes: Object.fromEntries(menu.sizes) }
      })

      app.get('/coffees/:id', async (request, reply) => {
        const { id } = request.params as { id: string }
        if (!/^\d{1,9}$/.test(id))
          throw badRequest('invalid coffee id', [{ field: 'id', message: 'must be a number' }])
        const coffee = (await currentMenu()).coffees.find((c) => c.id === Number(id))
        if (!coffee)
          return reply.code(404).send({ code: ErrorCode.HTTP_NOT_FOUND, message: `no coffee ${id}` })
        return coffee
      })

      // The seed's health endpoint: database and broker, plus the payments breaker.
      app.get('/status', async (_request, reply) => {
        const check = async (fn: () => Promise<void>) =>
          fn().then(
            () => 'ok',
            (error: unknown) => (error instanceof Error ? error.message : String(error)),
          )
        const details = {
          database: await check(async () => (await infra.database()).ping()),
          amqp: await check(async () => (await infra.queue()).ping()),
          payments: policy.state(),
          outbox_backlog: backlog,
        }
        const ok = details.database === 'ok' && details.amqp === 'ok'
        return reply.code(ok ? 200 : 500).send({ status: ok ? 'ok' : 'failed', details })
      })
    },
  })

  async function init(): Promise<void> {
    if (rateLimitPolicy) redis = await infra.redis()
    const database = traceDatabase(await infra.database(), tracer)
    const queue = await infra.queue()
    await migrate(database, COFFEE_SCHEMA, coffeeMigrations)
    await queue.declare({
      name: BARISTA_QUEUE,
      bindings: [{ exchange: ORDERS_EXCHANGE, pattern: CREATED_KEY }],
    })
    await queue.declare({
      name: RECEPTION_READY_QUEUE,
      bindings: [{ exchange: ORDERS_EXCHANGE, pattern: READY_KEY }],
    })
    const orders = createCoffeeStore(database)
    outbox = createOutbox({
      db: database,
      schema: COFFEE_SCHEMA,
      queue,
      log: log.child({ component: 'outbox' }),
      pollIntervalMs: config.outboxPollMs,
      tracing: {
        tracer,
        spanName: () => 'orders.created publish',
        attributes: (message) => ({ 'coffee.order_id': message.messageId ?? '' }),
      },
    })
    payments = createPaymentsClient(config.paymentsUrl, policy, infra.seam('http-client'))
    processor = createPaymentProcessor({
      db: database,
      store: orders,
      outbox,
      payments,
      policy,
      log,
      tracer,
      meter,
    })
    readyConsumer = createReadyConsumer({ queue, store: orders, log, tracer, meter })
    const box = outbox
    const refresh = () => {
      box.backlog().then(
        (n) => {
          backlog = n
        },
        () => undefined,
      )
    }
    backlogTimer = setInterval(refresh, 1000)
    backlogTimer.unref()
    db = database
    store = orders
    outbox.start()
    processor.start()
    await readyConsumer.start()
  }

  return {
    ...http,
    async start() {
      await init()
      await http.start()
    },
    async stop() {
      await http.stop()
      clearInterval(backlogTimer)
      await readyConsumer?.stop()
      await processor?.stop()
      await outbox?.stop()
      await payments?.close()
    },
  }
}
