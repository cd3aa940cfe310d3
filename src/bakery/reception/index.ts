// The bakery reception: the seed's order API on :8000 (POST /orders, GET /orders/:key), plus the
// dashboard's order list. Orders and their outbox rows commit together; publishing follows. Reads
// go through the database breaker (503 + Retry-After while PostgreSQL is down); POST /orders,
// the benchmarked hot path, does not.
import { SpanKind } from '@opentelemetry/api'
import type { FastifyRequest } from 'fastify'
import { databaseReadPolicy, guardedRead, migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import {
  createIdempotencyGuard,
  createServiceHttp,
  type HttpService,
  idempotencyKeyReused,
  payloadFingerprint,
  registerAdminRoutes,
  tagRequest,
  tagRequestOrder,
} from '../../platform/http/index.ts'
import { createOutbox, type Outbox } from '../../platform/outbox/index.ts'
import { withSpan } from '../../platform/telemetry/index.ts'
import type { BakeryDeps } from '../config.ts'
import { declareOrderFlow, orderFlow } from '../orders/flow.ts'
import type { ReceptionHooks } from '../orders/hooks.ts'
import { isPastry } from '../orders/menu.ts'
import { bakeryMigrations } from '../orders/migrations.ts'
import { createOrderStore, type OrderStore } from '../orders/store.ts'
import { orderView } from '../orders/view.ts'
import { createIntake, type Intake } from './intake.ts'
import { checkOrderKey, parseIdempotencyKey, parseListQuery, parseOrderBody } from './validate.ts'

/** Orders are tiny; a larger body is refused with 413 before it is read. */
const ORDER_BODY_LIMIT = 16 * 1024

/** No hooks: the bare orders flow. */
const NO_HOOKS: ReceptionHooks = {
  breakers: [],
  routes() {},
  async start() {},
  async stop() {},
  async accepted() {
    return undefined
  },
}

/** `hooks`: what follows orders from outside the bakery (the order journey), wired in services.ts. */
export function createReception(deps: BakeryDeps, hooks: ReceptionHooks = NO_HOOKS): HttpService {
  const { ordersQueue, ordersSchema } = deps.config
  const flow = orderFlow(ordersQueue)
  const { tracer, meter } = deps.telemetry
  const accepted = meter.createCounter('bakery.orders.accepted', {
    description: 'Orders accepted (202), idempotent replays excluded',
  })
  const published = meter.createCounter('bakery.orders.published', {
    description:
      'Order messages confirmed by the broker, by path (fast = after commit, relay = re-published)',
  })
  const dbReads = databaseReadPolicy(deps.infra.breakers, { log: deps.log, meter })
  let store: OrderStore | undefined
  let intake: Intake | undefined
  let outbox: Outbox | undefined
  const idempotency = createIdempotencyGuard()

  function ready(): { store: OrderStore; intake: Intake } {
    if (!store || !intake) {
      throw new BakeryError(ErrorCode.HTTP_OVERLOADED, 'reception is starting', {
        status: 503,
        retryable: true,
      })
    }
    return { store, intake }
  }

  const http = createServiceHttp(deps, {
    name: 'reception',
    // Only the database: with the outbox, orders are accepted while the broker is away.
    readiness: [{ name: 'database', check: async () => (await deps.infra.database()).ping() }],
    init: async () => {
      await Promise.all([prepare(), hooks.start()])
    },
    routes(app) {
      registerAdminRoutes(app, {
        token: deps.infra.adminToken,
        breakers: [dbReads, ...hooks.breakers],
        faults: deps.infra.faults,
        defaultTarget: 'reception',
      })
      hooks.routes(app)
      app.get('/', async () => ({ message: 'reception is attended' }))

      app.register(async (scope) => {
        // Like the seed, any content type (or none) is read as JSON; errors name the body field.
        // Parsed once, here: the pastry tag, the fault seam, the input guard and the handler all
        // read the object on the request. A body that is not a JSON object stays raw, and the
        // handler's check answers it with the 400 that names the problem.
        scope.removeAllContentTypeParsers()
        scope.addContentTypeParser(
          '*',
          { parseAs: 'buffer', bodyLimit: ORDER_BODY_LIMIT },
          (request, body, done) => {
            const value = jsonObjectOrRaw(body as Buffer)
            tagPastry(request, value)
            done(null, value)
          },
        )
        scope.post('/orders', { bodyLimit: ORDER_BODY_LIMIT }, async (request, reply) => {
          const order = parseOrderBody(request.body)
          const idempotencyKey = parseIdempotencyKey(request.headers['idempotency-key'])
          const idempotencyFingerprint = idempotencyKey === undefined ? undefined : payloadFingerprint(order)
          const result = await idempotency.run(idempotencyKey, idempotencyFingerprint ?? '', () =>
            ready().intake.accept({ ...order, idempotencyKey, idempotencyFingerprint }),
          )
          if (result.reused && idempotencyKey !== undefined) throw idempotencyKeyReused(idempotencyKey)
          tagRequestOrder(request, result.orderKey)
          if (result.created) {
            accepted.add(1, { 'bakery.pastry': order.pastry })
            // One line per order: inside the request span, so it carries trace_id and span_id.
            request.log.info({ order_key: result.orderKey, pastry: order.pastry }, 'order accepted')
          } else request.log.info({ order_key: result.orderKey }, 'order replayed (same idempotency key)')
          const answer = await hooks.accepted({
            orderKey: result.orderKey,
            request,
            prefer: request.headers.prefer,
          })
          if (answer) reply.headers(answer.headers)
          if (answer?.body) return reply.code(200).send(answer.body)
          return reply.code(202).send({ orderKey: result.orderKey })
        })
      })

      app.get('/orders/:key', async (request, reply) => {
        const { key } = request.params as { key: string }
        checkOrderKey(key)
        const orders = ready().store
        const order = await withSpan(
          tracer,
          'read-order',
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'db.system.name': 'postgresql',
              'db.operation.name': 'SELECT',
              'db.collection.name': 'bakery.orders',
              'db.order_key': key,
            },
          },
          async (span) => {
            const found = await guardedRead(dbReads, () => orders.get(key))
            span.setAttribute('db.found_order', found !== undefined)
            // The seed sets `found_order` (sic) on a hit; kept so its trace queries still match.
            if (found) span.setAttribute('found_order', true)
            return found
          },
        )
        if (!order) {
          return reply.code(404).send({ code: ErrorCode.HTTP_NOT_FOUND, message: `no order ${key}` })
        }
        return orderView(order)
      })

      app.get('/orders', async (request) => {
        const query = parseListQuery(request.query as Record<string, unknown>)
        const orders = ready().store
        const page = await guardedRead(dbReads, () => orders.list(query))
        const body: { orders: Record<string, string>[]; nextCursor?: string } = {
          orders: page.orders.map((o) => ({ orderKey: o.orderKey, ...orderView(o) })),
        }
        if (page.nextCursor) body.nextCursor = page.nextCursor
        return body
      })
    },
  })

  // Ready before listening: no request meets a half-initialised reception.
  async function prepare(): Promise<void> {
    const rawDb = await deps.infra.database()
    const db = traceDatabase(rawDb, tracer)
    const queue = await deps.infra.queue()
    await migrate(db, ordersSchema, bakeryMigrations)
    await declareOrderFlow(queue, flow)
    store = createOrderStore(db, ordersSchema)
    outbox = createOutbox({
      // Untraced: its deletes and relay polls belong to no request and would flood the trace store.
      db: rawDb,
      schema: ordersSchema,
      queue,
      log: deps.log.child({ component: 'outbox' }),
      pollIntervalMs: deps.config.outboxPollMs,
      tracing: {
        tracer,
        spanName: () => 'publish-order',
        attributes: (message) => ({ 'bakery.order_key': message.messageId ?? '' }),
        onEnd: (span, ok) => span.setAttribute('queue.publish.success', ok),
      },
      onPublished: (path, count) => published.add(count, { path }),
    })
    outbox.start()
    intake = createIntake({ store, outbox, tracer, flow })
  }

  return {
    ...http,
    async stop() {
      await hooks.stop()
      await http.stop()
      await intake?.idle()
      await outbox?.stop()
    },
  }
}

/** The body as a JSON object when it is one; otherwise the raw bytes, for the handler's 400. */
function jsonObjectOrRaw(body: Buffer): Buffer | Record<string, unknown> {
  // Only `{`: a JSON object is all an order can be, and other JSON values must stay raw so that
  // the handler still tells "not an object" apart from "not JSON".
  if (body.length === 0 || body[0] !== 0x7b) return body
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>
  } catch {
    return body
  }
}

/**
 * The pastry on the request span as soon as the body is read: a request refused before the handler
 * (a fault, a rate limit) still says what was ordered. Only menu pastries, so the values stay few.
 */
function tagPastry(request: FastifyRequest, body: Buffer | Record<string, unknown>): void {
  if (Buffer.isBuffer(body)) return
  const pastry = body.pastry
  if (typeof pastry === 'string' && isPastry(pastry)) tagRequest(request, 'bakery.pastry', pastry)
}
