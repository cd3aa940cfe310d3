// Takes each order from awaiting_payment to paid: right after it is stored (fast path), and from a
// sweep that retries every order still waiting — the ones that met payments down or its breaker
// open. Paid orders get their order.Created in the outbox in the same transaction.
import { type Meter, SpanKind, type Tracer } from '@opentelemetry/api'
import type { Database } from '../../platform/db/index.ts'
import { errorMessage } from '../../platform/errors.ts'
import { createRelayTimer } from '../../platform/lifecycle/index.ts'
import type { Logger } from '../../platform/log/index.ts'
import type { Outbox } from '../../platform/outbox/index.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import { withSpan } from '../../platform/telemetry/index.ts'
import { CREATED_KEY, encodeCreated, eventMessage } from '../events.ts'
import type { PaymentsClient } from './payments-client.ts'
import { type CoffeeOrder, type CoffeeStore, OrderStatus } from './store.ts'

export interface PaymentProcessorOptions {
  db: Database
  store: CoffeeStore
  outbox: Outbox
  payments: PaymentsClient
  policy: ResiliencePolicy
  log: Logger
  tracer: Tracer
  meter: Meter
  /** How often the sweep looks for orders still awaiting payment. */
  sweepIntervalMs?: number
  concurrency?: number
}

export interface PaymentProcessor {
  /** Fast path after the order committed; never rejects. */
  submit(order: Pick<CoffeeOrder, 'id' | 'customerName' | 'items' | 'total'>): void
  start(): void
  stop(): Promise<void>
}

export function createPaymentProcessor(options: PaymentProcessorOptions): PaymentProcessor {
  const { db, store, outbox, payments, policy, log, tracer } = options
  const sweepMs = options.sweepIntervalMs ?? 1000
  const concurrency = options.concurrency ?? 16
  const inFlight = new Map<string, Promise<void>>()
  const outcomes = options.meter.createCounter('coffee.payments.outcomes', {
    description: 'Payment attempts by outcome (authorised, declined, deferred = left for the sweep)',
  })
  options.meter
    .createObservableGauge('coffee.orders.awaiting_payment', {
      description: 'Orders accepted and waiting for payments to come back',
    })
    .addCallback(async (result) => {
      const n = await store.countAwaitingPayment().catch(() => undefined)
      if (n !== undefined) result.observe(n)
    })

  async function settle(order: Pick<CoffeeOrder, 'id' | 'customerName' | 'items' | 'total'>): Promise<void> {
    await withSpan(
      tracer,
      'coffee.payment',
      {
        kind: SpanKind.INTERNAL,
        attributes: { 'coffee.order_id': order.id, 'coffee.order_total': order.total },
      },
      async (span) => {
        const outcome = await payments.authorise(order.id, order.total)
        span.setAttribute('coffee.payment.outcome', outcome)
        const status = outcome === 'authorised' ? OrderStatus.paid : OrderStatus.paymentDeclined
        const entries = await db.transaction(async (tx) => {
          if (!(await store.settlePayment(tx, order.id, status))) return []
          if (status !== OrderStatus.paid) return []
          const body = encodeCreated({
            id: order.id,
            customerName: order.customerName,
            items: order.items.map((i) => ({ type: i.type, size: i.size, brewMs: i.brewMs ?? 0 })),
            totalCents: Math.round(order.total * 100),
          })
          return outbox.add(tx, [eventMessage(CREATED_KEY, body, order.id)])
        })
        outcomes.add(1, { outcome })
        for (const entry of entries) void outbox.dispatch(entry)
      },
    )
  }

  function attempt(order: Pick<CoffeeOrder, 'id' | 'customerName' | 'items' | 'total'>): Promise<void> {
    const running = inFlight.get(order.id)
    if (running) return running
    const task = settle(order)
      .catch((error: unknown) => {
        outcomes.add(1, { outcome: 'deferred' })
        log.debug({ orderId: order.id, err: errorMessage(error) }, 'payment deferred to the sweep')
        throw error
      })
      .finally(() => inFlight.delete(order.id))
    inFlight.set(order.id, task)
    return task
  }

  async function sweepOnce(): Promise<void> {
    for (let round = 0; round < 20 && !sweeps.stopped; round++) {
      const waiting = await store.awaitingPayment(200, Math.min(1000, sweepMs))
      const todo = waiting.filter((o) => !inFlight.has(o.id))
      const [first, ...rest] = todo
      if (!first) return
      // One order first: while the breaker is open it fails fast here; once its half-open delay
      // has passed this is the trial call that closes it. Only then the rest, in parallel.
      if (
        !(await attempt(first).then(
          () => true,
          () => false,
        ))
      )
        return
      for (let i = 0; i < rest.length && !sweeps.stopped; i += concurrency) {
        const results = await Promise.allSettled(rest.slice(i, i + concurrency).map(attempt))
        if (results.some((r) => r.status === 'rejected')) return
      }
      if (waiting.length < 200) return
    }
  }

  // One sweep at a time; a wake during one is dropped (that sweep reads the waiting orders anyway).
  const sweeps = createRelayTimer({
    run: async () => {
      await sweepOnce().catch((error: unknown) =>
        log.warn({ err: errorMessage(error) }, 'payment sweep failed'),
      )
      return sweepMs
    },
  })
  const sweep = () => sweeps.wake()

  // The moment payments is back (breaker closed), the waiting orders go through.
  policy.onStateChange((to) => {
    if (to === 'closed' || to === 'half-open') setImmediate(sweep)
  })

  return {
    submit(order) {
      if (policy.state() === 'open') return
      attempt(order).catch(() => undefined)
    },
    start() {
      sweeps.start()
    },
    async stop() {
      await Promise.allSettled([sweeps.stop(), ...inFlight.values()])
    },
  }
}
