// Accepting orders with group commit: concurrent requests share one transaction that inserts
// their orders and outbox rows, so the commit cost is paid once per batch, not once per order.
// The 202 goes out after commit; the publish follows (outbox fast path) and never fails the request.
import { context, SpanKind, type Tracer } from '@opentelemetry/api'
import { createBatcher } from '../../platform/batching/index.ts'
import { isDatabaseUnavailable } from '../../platform/db/index.ts'
import type { Outbox, OutboxEntry } from '../../platform/outbox/index.ts'
import { injectTraceContext, withSpan } from '../../platform/telemetry/index.ts'
import { ORDER_ACCEPTED, type OrderFlow } from '../orders/flow.ts'
import type { OrderMessage } from '../orders/message.ts'
import { newOrderKey } from '../orders/order-key.ts'
import type { OrderStore } from '../orders/store.ts'

export interface OrderRequest {
  customer: string
  pastry: string
  idempotencyKey: string | undefined
  idempotencyFingerprint?: string | undefined
}

interface Pending {
  orderKey: string
  customer: string
  pastry: string
  orderTime: Date
  idempotencyKey: string | undefined
  idempotencyFingerprint?: string | undefined
  headers: Record<string, string>
}

interface Outcome {
  orderKey: string
  created: boolean
  /** The key's first order had another payload. */
  reused: boolean
  entry: OutboxEntry | undefined
}

export interface Intake {
  accept(request: OrderRequest): Promise<{ orderKey: string; created: boolean; reused: boolean }>
  idle(): Promise<void>
}

export function createIntake(deps: {
  store: OrderStore
  outbox: Outbox
  tracer: Tracer
  flow: OrderFlow
}): Intake {
  const { store, outbox, tracer, flow } = deps
  const batcher = createBatcher<Pending, Outcome>({
    maxBatch: 500,
    maxConcurrent: 4,
    // One order the database refuses must not fail the others of its commit; an outage would.
    retryAlone: (error) => !isDatabaseUnavailable(error),
    async run(batch) {
      const messages = batch.map((order) => {
        const message: OrderMessage = {
          traceContext: { traceparent: order.headers.traceparent ?? '' },
          timeEnqueued: order.orderTime.toISOString(),
          orderKey: order.orderKey,
          pastry: order.pastry,
          customer: order.customer,
        }
        return {
          exchange: flow.exchange,
          routingKey: ORDER_ACCEPTED,
          body: JSON.stringify(message),
          headers: order.headers,
          contentType: 'application/json',
          messageId: order.orderKey,
        }
      })
      const results = await store.insertWithOutbox(batch, messages)
      return results.map((r, i) => ({
        orderKey: r.orderKey,
        created: r.created,
        reused: r.reused === true,
        entry:
          r.outboxId === undefined
            ? undefined
            : { id: r.outboxId, message: messages[i] as OutboxEntry['message'] },
      }))
    },
  })

  return {
    async accept(request) {
      // Random, never derived from the order: two identical orders in one second are two orders.
      const orderKey = newOrderKey()
      const orderTime = new Date()
      // The request's span is the parent of publish-order, whenever and by whom it is published.
      const headers = injectTraceContext({}, context.active()) as Record<string, string>
      const outcome = await withSpan(
        tracer,
        'create-order',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'postgresql',
            'db.operation.name': 'INSERT',
            'db.collection.name': 'bakery.orders',
            'db.order_key': orderKey,
          },
        },
        async (span) => {
          const result = await batcher.add({ orderKey, orderTime, headers, ...request })
          span.setAttribute('db.success', true)
          if (!result.created) {
            span.setAttribute('db.order_key', result.orderKey)
            span.setAttribute('bakery.idempotent_replay', true)
          }
          return result
        },
      )
      if (outcome.entry) void outbox.dispatch(outcome.entry)
      return { orderKey: outcome.orderKey, created: outcome.created, reused: outcome.reused }
    },
    idle: () => batcher.idle(),
  }
}
