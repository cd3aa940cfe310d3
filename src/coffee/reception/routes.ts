// Coffee reception's routes, the seed's API: POST /orders → 201 + Location (Idempotency-Key as the
// IETF draft has it), GET /orders/{id}, GET /orders (newest first, cursor pages),
// GET/POST /coffees, GET /coffees/{id}, /status. Orders are priced from the menu, stored, and handed
// to the payment processor; the rest of the order's life happens behind the queue.
import { randomUUID } from 'node:crypto'
import { type Counter, SpanKind, type Tracer } from '@opentelemetry/api'
import type { FastifyInstance } from 'fastify'
import { type Database, guardedRead } from '../../platform/db/index.ts'
import { ErrorCode } from '../../platform/errors.ts'
import {
  type HttpApp,
  type IdempotencyGuard,
  idempotencyKeyReused,
  parseIdempotencyHeader,
  payloadFingerprint,
} from '../../platform/http/index.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import { withSpan } from '../../platform/telemetry/index.ts'
import { coffeeErrorReply } from './error-handler.ts'
import type { MenuCache } from './menu-cache.ts'
import type { PaymentProcessor } from './payment-processor.ts'
import { orderTotal, priceItems } from './pricing.ts'
import { type ProtectionOptions, registerProtection } from './protection.ts'
import type { CoffeeStore } from './store.ts'
import {
  badRequest,
  checkOrderId,
  encodeOrderCursor,
  parseCoffee,
  parseOrderListQuery,
  parseOrderRequest,
} from './validate.ts'
import { orderView } from './view.ts'

const BODY_LIMIT = 16 * 1024

/** What the routes need once the service has started (throws 503 before). */
export interface ReceptionRuntime {
  ready(): { db: Database; store: CoffeeStore; processor: PaymentProcessor }
  menu: MenuCache
  dbReads: ResiliencePolicy
  tracer: Tracer
  accepted: Counter
  idempotency: IdempotencyGuard
  /** Read when the routes register, i.e. after start's init (the Redis connection is open then). */
  protection(): ProtectionOptions
  /** The seed's /status details: database, broker, payments breaker, outbox backlog. */
  status(): Promise<{ ok: boolean; details: Record<string, unknown> }>
}

export function registerCoffeeRoutes(app: HttpApp, runtime: ReceptionRuntime): void {
  app.register(async (scope) => {
    // Like the seed, any content type (or none) is read as JSON, so errors say "could not parse".
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    )
    scope.setErrorHandler(coffeeErrorReply)
    await registerProtection(scope as unknown as FastifyInstance, runtime.protection())
    registerWrites(scope, runtime)
  })
  registerReads(app, runtime)
}

function registerWrites(scope: HttpApp, runtime: ReceptionRuntime): void {
  const { tracer, accepted } = runtime
  scope.post('/orders', async (request, reply) => {
    const body = parseOrderRequest(request.body as Buffer | undefined)
    const idempotencyKey = parseIdempotencyHeader(request.headers['idempotency-key'])
    const idempotencyFingerprint = idempotencyKey === undefined ? undefined : payloadFingerprint(body)
    const items = priceItems(await runtime.menu.current(), body.items)
    const total = orderTotal(items)
    const order = {
      id: randomUUID(),
      customerName: body.name,
      items,
      total,
      idempotencyKey,
      idempotencyFingerprint,
    }
    const { db, store, processor } = runtime.ready()
    const outcome = await runtime.idempotency.run(idempotencyKey, idempotencyFingerprint ?? '', () =>
      withSpan(
        tracer,
        'create-order',
        { kind: SpanKind.INTERNAL, attributes: { 'coffee.order_id': order.id, 'coffee.order_total': total } },
        () => db.transaction((tx) => store.insert(tx, order)),
      ),
    )
    if (!outcome.created) {
      if (outcome.reused && idempotencyKey !== undefined) throw idempotencyKeyReused(idempotencyKey)
      request.log.info({ order_key: outcome.id }, 'coffee order replayed (same idempotency key)')
      return reply.code(201).header('location', `/orders/${outcome.id}`).send()
    }
    accepted.add(1)
    // One line per order, inside the request span (trace_id, span_id).
    request.log.info({ order_key: order.id, items: items.length }, 'coffee order accepted')
    processor.submit(order)
    return reply.code(201).header('location', `/orders/${order.id}`).send()
  })

  scope.post('/coffees', async (request, reply) => {
    const coffee = parseCoffee(request.body as Buffer | undefined)
    const created = await runtime.ready().store.addCoffee(coffee.name, coffee.price, coffee.brewMs)
    runtime.menu.invalidate()
    if (!created) throw badRequest(`coffee ${coffee.name} exists`, [{ field: 'name', message: 'exists' }])
    return reply.code(201).header('location', `/coffees/${created.id}`).send()
  })
}

/** The next page's address, relative so it also holds behind the dashboard's proxy. */
function nextLink(limit: number, seq: string): string {
  return `</orders?limit=${limit}&cursor=${encodeOrderCursor(seq)}>; rel="next"`
}

function registerReads(app: HttpApp, runtime: ReceptionRuntime): void {
  // Newest first, in cursor pages (RFC 8288 Link rel="next", as the album store); feeds the ready board.
  app.get('/orders', async (request, reply) => {
    const { limit, after } = parseOrderListQuery(request.query as Record<string, unknown>)
    const { store } = runtime.ready()
    const page = await guardedRead(runtime.dbReads, () => store.list(limit, after))
    if (page.next !== undefined) reply.header('link', nextLink(limit, page.next))
    return page.orders.map(orderView)
  })

  app.get('/orders/:id', async (request, reply) => {
    const { id } = request.params as { id: string }
    checkOrderId(id)
    const { store } = runtime.ready()
    const order = await guardedRead(runtime.dbReads, () => store.get(id))
    if (!order) return reply.code(404).send({ code: ErrorCode.HTTP_NOT_FOUND, message: `no order ${id}` })
    return orderView(order)
  })

  app.get('/coffees', async () => {
    const menu = await runtime.menu.current()
    return { coffees: menu.coffees, sizes: Object.fromEntries(menu.sizes) }
  })

  app.get('/coffees/:id', async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!/^\d{1,9}$/.test(id))
      throw badRequest('invalid coffee id', [{ field: 'id', message: 'must be a number' }])
    const coffee = (await runtime.menu.current()).coffees.find((c) => c.id === Number(id))
    if (!coffee) return reply.code(404).send({ code: ErrorCode.HTTP_NOT_FOUND, message: `no coffee ${id}` })
    return coffee
  })

  // The seed's health endpoint: database and broker, plus the payments breaker.
  app.get('/status', async (_request, reply) => {
    const { ok, details } = await runtime.status()
    return reply.code(ok ? 200 : 500).send({ status: ok ? 'ok' : 'failed', details })
  })
}
