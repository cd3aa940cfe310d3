// Enrichment hop: takes an accepted order and adds what the journey knows (how many orders this
// customer placed, the pastry's bake profile), working from the message alone, then hands it on
// to the baker. The trace headers pass through unchanged, so the baker still links its trace to
// the reception's publish-order span, journey or not.
import { bakeTimeMs } from '../../bakery/orders/contract.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import { malformed } from '../../platform/queue/index.ts'
import type { TrackingDeps } from '../config.ts'
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

export function createEnrichment(deps: TrackingDeps): Service {
  const queues = journeyQueues(deps.config.ordersQueue)
  async function enrich(message: HopMessage, { store }: HopContext): Promise<HopMessage> {
    const { customer, pastry } = message
    if (customer === undefined || pastry === undefined) {
      throw malformed(`order ${message.orderKey} carries no customer or pastry`)
    }
    // The accepted hop is not read back here to carry on: the reception records it as it answers,
    // which under load is nearly always after this hop began (the read found nothing); this read
    // and the response-builder's together cost about a tenth of the journey's server CPU. A record
    // Redis loses before this hop is rebuilt from this hop on.
    const customerOrders = await store.tally(`customer:${customer}`, message.orderKey)
    const enrichment: Enrichment = {
      customer,
      pastry,
      customerOrders,
      bakeProfile: { bakeMs: bakeTimeMs(pastry, 1), mistakeRate: deps.config.bakerMistakeRate },
    }
    return { ...message, enrichment }
  }
  return createHopWorker({
    name: 'enrichment',
    hop: 'enriched',
    deps,
    input: queues.enrichment,
    output: queues.enriched,
    forwardTraceHeaders: true,
    work: enrich,
  })
}
