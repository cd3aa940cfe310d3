// Enrichment hop: takes an accepted order, adds what the store knows (how many orders this
// customer has placed, the pastry's bake profile) and hands it to the baker.
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { createHopWorker, type HopContext } from '../hop-worker.ts'
import type { HopMessage } from '../messages.ts'
import { JOURNEY_QUEUES } from '../queues.ts'

export interface Enrichment {
  customer: string
  pastry: string
  /** Distinct orders of this customer the store has seen (within the record TTL). */
  customerOrders: number
  bakeProfile: { bakeMs: number; mistakeRate: number }
}

export function createEnrichment(deps: ServiceDeps): Service {
  return createHopWorker({
    name: 'enrichment',
    hop: 'enriched',
    deps,
    input: JOURNEY_QUEUES.accepted,
    output: JOURNEY_QUEUES.enriched,
    work: enrich,
  })
}

async function enrich(message: HopMessage, { store }: HopContext): Promise<HopMessage> {
  const record = (await store.read(message.orderKey)) ?? {}
  const customer = record['order.customer']
  const pastry = record['order.pastry']
  if (customer === undefined || pastry === undefined) {
    // The reception records the order right after it answers; this message may have been quicker.
    throw new BakeryError(ErrorCode.TRACKING_NOT_RECORDED, 'order not yet recorded', { retryable: true })
  }
  const enrichment: Enrichment = {
    customer,
    pastry,
    customerOrders: await store.tally(`customer:${customer}`, message.orderKey),
    bakeProfile: { bakeMs: bakeMs(pastry), mistakeRate: 0.1 },
  }
  // Carry what the store holds (the accepted hop too), so a later write can rebuild the record.
  const journey = { ...record, ...message.journey }
  return { ...message, journey, enrichment }
}

/** The seed's bake time: FNV-1a-32 of the pastry name, mod 100 ms. */
export function bakeMs(pastry: string): number {
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(pastry, 'utf8')) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % 100
}
