// Baking one order: claim it (pending → baking), bake for the menu's time (scaled), sometimes
// make the original's "mistake" and bake again, then finish it (baking → finished). Claims and
// finishes of concurrent orders share batched, forward-only UPDATEs: one statement per batch.
import { setTimeout as sleep } from 'node:timers/promises'
import { type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api'
import { createBatcher } from '../../platform/batching/index.ts'
import { isDatabaseUnavailable } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Logger } from '../../platform/log/index.ts'
import { withLeafSpan, withSpan } from '../../platform/telemetry/index.ts'
import { bakeTimeMs } from '../orders/menu.ts'
import type { OrderMessage } from '../orders/message.ts'
import type { Claimed, OrderStore } from '../orders/store.ts'
import { type OrderView, orderView } from '../orders/view.ts'
import type { BakerMetrics } from './metrics.ts'

interface Step {
  step: 'claim' | 'finish'
  key: string
}

export interface BakeOptions {
  store: OrderStore
  tracer: Tracer
  log: Logger
  metrics: BakerMetrics
  bakeTimeScale: number
  mistakeRate: number
}

/** Returns the baking of one message: resolves with the finished order, or undefined when skipped. */
export function createBake(options: BakeOptions): (message: OrderMessage) => Promise<OrderView | undefined> {
  const { store, tracer, log, metrics } = options
  // Claims and finishes share one batcher: the claims of new orders and the finishes of earlier
  // ones go in the same statement, so each order costs about one round trip and one commit.
  const steps = createBatcher<Step, Claimed | Date | undefined>({
    maxBatch: 1000,
    // As many connections as the two batchers (claims, finishes) it replaced used together.
    maxConcurrent: 4,
    // One order the database refuses must not fail the others of its batch; an outage would.
    retryAlone: (error) => !isDatabaseUnavailable(error),
    run: async (items) => {
      const at = new Date()
      const claimKeys: string[] = []
      const finishKeys: string[] = []
      for (const item of items) (item.step === 'claim' ? claimKeys : finishKeys).push(item.key)
      const { claimed, finished } = await store.advance(claimKeys, finishKeys, at)
      return items.map((item) =>
        item.step === 'claim' ? claimed.get(item.key) : finished.has(item.key) ? at : undefined,
      )
    },
  })
  const claim = (key: string) => steps.add({ step: 'claim', key }) as Promise<Claimed | undefined>
  const finish = (key: string) => steps.add({ step: 'finish', key }) as Promise<Date | undefined>

  async function bake(span: Span, pastry: string): Promise<void> {
    const ms = bakeTimeMs(pastry, options.bakeTimeScale)
    if (ms > 0) await sleep(ms)
    if (Math.random() < options.mistakeRate) {
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

  /** A message whose order could not be claimed: a finished one is a harmless redelivery. */
  async function unclaimed(key: string, processing: Span): Promise<OrderView> {
    const order = await store.get(key)
    if (order === undefined) throw new BakeryError(ErrorCode.ORDER_UNKNOWN, `no order ${key}`)
    if (order.status !== 'finished') {
      throw new BakeryError(
        ErrorCode.ORDER_UNKNOWN,
        `order ${key} could not be claimed (status ${order.status})`,
        {
          retryable: true,
        },
      )
    }
    processing.setAttribute('baker.skipped', 'already finished')
    log.debug({ order_key: key }, 'order already finished (redelivery)')
    return orderView(order)
  }

  return (message) => {
    const receive = trace.getActiveSpan()
    const key = message.orderKey
    return withSpan(
      tracer,
      'processing-order',
      { attributes: { 'baker.order_key': key } },
      async (processing) => {
        try {
          const claimed = await updateSpan('baking', key, () => claim(key))
          if (!claimed) return await unclaimed(key, processing)
          receive?.setAttribute('bakery.pastry', claimed.pastry)
          await withLeafSpan(tracer, 'baking', { attributes: { 'baker.pastry': claimed.pastry } }, (span) =>
            bake(span, claimed.pastry),
          )
          const finishedAt = await updateSpan('finished', key, () => finish(key))
          processing.setAttribute('baker.error', false)
          if (!finishedAt) return undefined
          metrics.finished.add(1, { 'bakery.pastry': claimed.pastry })
          const total = Math.max(0, Date.now() - claimed.orderTime.getTime())
          metrics.timeToCompletion.record(total, undefined, key)
          processing.setAttribute('baker.time_to_completion_ms', total)
          receive?.setAttribute('baker.time_to_completion_ms', total)
          // One line per order, inside the processing span (trace_id and span_id).
          log.info({ order_key: key, pastry: claimed.pastry, time_to_completion_ms: total }, 'order finished')
          return orderView({ ...claimed, status: 'finished', finishedTime: finishedAt })
        } catch (error) {
          processing.setAttribute('baker.error', true)
          // Each failed attempt; the consumer runner retries, then dead-letters (logged by the baker).
          log.warn({ order_key: key, err: error }, 'order processing failed')
          throw error
        }
      },
    )
  }
}
