// Brewing one order: every item not yet brewed goes to a barista who can (in parallel), each brew
// is recorded, and when all are done order.Ready is queued once through the outbox. An item nobody
// can brew is a permanent failure (the consumer dead-letters the message).
import type { Meter, Tracer } from '@opentelemetry/api'
import type { Database } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { FaultRegistry } from '../../platform/faults/index.ts'
import type { Logger } from '../../platform/log/index.ts'
import type { Outbox } from '../../platform/outbox/index.ts'
import { withSpan } from '../../platform/telemetry/index.ts'
import { type Created, encodeReady, eventMessage, READY_KEY } from '../events.ts'
import type { Crew } from './crew.ts'
import type { BrewStore } from './store.ts'

export interface BrewingDeps {
  db: Database
  brews: BrewStore
  outbox: Outbox
  crew: Crew
  faults: Pick<FaultRegistry, 'shouldFail' | 'delayMs'>
  tracer: Tracer
  meter: Meter
  log: Logger
}

export function createOrderBrewing(deps: BrewingDeps): (order: Created) => Promise<void> {
  const { db, brews, outbox, crew, faults, tracer, log } = deps
  const brewed = deps.meter.createCounter('coffee.items.brewed', {
    description: 'Items brewed, by barista and coffee',
  })
  const readyCounter = deps.meter.createCounter('coffee.orders.brewed', {
    description: 'Orders completed by baristas',
  })

  async function brewItem(order: Created, index: number): Promise<void> {
    const item = order.items[index]
    if (!item) return
    const attributes = { 'coffee.item.type': item.type, 'coffee.item.size': item.size }
    await withSpan(tracer, `brew ${item.type}`, { attributes }, async (span) => {
      await brews.startBrew(order.id, index, item)
      if (faults.shouldFail('barista')) {
        throw new BakeryError(ErrorCode.FAULT_INJECTED, `barista spilled the ${item.type} (injected fault)`, {
          retryable: true,
        })
      }
      const result = await crew.brew(item.type, item.brewMs, faults.delayMs('barista'))
      span.setAttributes({ 'coffee.barista': result.barista, 'coffee.brew_ms': result.ms })
      await brews.finishBrew(order.id, index, result.barista, result.ms)
      brewed.add(1, { barista: result.barista, 'coffee.item.type': item.type })
    })
  }

  async function complete(order: Created): Promise<void> {
    const entries = await db.transaction(async (tx) => {
      if (!(await brews.claimReady(tx, order.id))) return []
      const records = await brews.brews(tx, order.id)
      const body = encodeReady({
        id: order.id,
        items: records.map((r) => ({
          item: { type: r.type, size: r.size },
          barista: r.barista ?? '',
          brewMs: r.brewMs ?? 0,
        })),
        readyAt: new Date().toISOString(),
      })
      return outbox.add(tx, [eventMessage(READY_KEY, body, `${order.id}.ready`)])
    })
    if (entries.length > 0) {
      readyCounter.add(1)
      // Inside the order's consumer span (trace_id, span_id); a redelivery does not log again.
      log.info({ order_key: order.id, items: order.items.length }, 'coffee order brewed')
    }
    for (const entry of entries) void outbox.dispatch(entry)
  }

  return async function brewOrder(order: Created): Promise<void> {
    for (const item of order.items) {
      if (!crew.canBrew(item.type)) {
        throw new BakeryError(ErrorCode.MESSAGE_MALFORMED, `no barista can brew ${item.type}`, {
          retryable: false,
        })
      }
    }
    const done = await brews.doneItems(order.id)
    const todo = order.items.map((_, i) => i).filter((i) => !done.has(i))
    // allSettled: every started brew finishes and is recorded before a failure is reported.
    const results = await Promise.allSettled(todo.map((i) => brewItem(order, i)))
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    await complete(order)
  }
}
