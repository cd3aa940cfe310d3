// Enrichment hop: takes an accepted order, adds what the stores know (the order from the order
// store, how many orders this customer placed, the pastry's bake profile) and hands it on to
// the baker. The trace headers pass through unchanged, so the baker still links its trace to the
// reception's publish-order span, journey or not.

import { bakeTimeMs } from '../../bakery/orders/menu.ts'
import { bakeryMigrations } from '../../bakery/orders/migrations.ts'
import { createOrderStore, type OrderStore } from '../../bakery/orders/store.ts'
import { migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { createHopWorker, type HopContext } from '../hop-worker.ts'
import type { HopMessage } from '../messages.ts'
import { journeyQueues } from '../queues.ts'

export interface Enrichment {
  customer: string
  pastry: string
  /** Distinct orders of this customer the tracking store has seen (within the record TTL). */
  customerOrders: number
  bakeProfile: { bakeMs: number; mistakeRate: number }
}

export function createEnrichment(deps: ServiceDeps): Service {
  const queues = journeyQueues(deps.config)
  let orders: OrderStore | undefined
  async function enrich(message: HopMessage, { store }: HopContext): Promise<HopMessage> {
    const order = await orders?.get(message.orderKey)
    if (!order) {
      throw new BakeryError(ErrorCode.ORDER_UNKNOWN, `no order ${message.orderKey}`, { retryable: false })
    }
    const enrichment: Enrichment = {
      customer: order.customer,
      pastry: order.pastry,
      customerOrders: await store.tally(`customer:${order.customer}`, message.orderKey),
      bakeProfile: { bakeMs: bakeTimeMs(order.pastry, 1), mistakeRate: deps.config.bakerMistakeRate },
    }
    // Carry what the tracking store holds (the accepted hop), so a later write can rebuild it.
    const record = (await store.read(message.orderKey)) ?? {}
    return { ...message, journey: { ...record, ...message.journey }, enrichment }
  }
  return createHopWorker({
    name: 'enrichment',
    hop: 'enriched',
    deps,
    input: queues.accepted,
    output: queues.enriched,
    forwardTraceHeaders: true,
    async init() {
      const db = traceDatabase(await deps.infra.database(), deps.telemetry.tracer)
      await migrate(db, deps.config.ordersSchema, bakeryMigrations)
      orders = createOrderStore(db, deps.config.ordersSchema)
    },
    work: enrich,
  })
}
