// The queues of the order journey. The journey joins the bakery's order flow (see
// src/bakery/orders/flow.ts) without reconfiguring it: enrichment binds its own queue to the
// flow's `order.accepted` and publishes `order.enriched` back to the flow exchange, which no
// binding claims, so it reaches the baker. The baker's hook hands finished orders to
// `<orders>.baked`, the response-builder's queue, declared by that producer (and by its consumer,
// with the same call, whichever starts first).
import { flowBinding, ORDER_ACCEPTED, orderFlow } from '../bakery/orders/contract.ts'
import type { Queue, QueueSpec } from '../platform/queue/index.ts'

export const ORDER_ENRICHED = 'order.enriched'

export interface JourneyQueues {
  /** Enrichment's queue, bound to the accepted orders of the flow. */
  enrichment: QueueSpec
  /** Where enrichment publishes: the flow exchange, under `order.enriched`. */
  enriched: { exchange: string; routingKey: string }
  /** The response-builder's queue (default exchange). */
  baked: QueueSpec
}

export function journeyQueues(ordersQueue: string): JourneyQueues {
  const flow = orderFlow(ordersQueue)
  return {
    enrichment: { name: `${ordersQueue}.enrichment`, bindings: [flowBinding(flow, ORDER_ACCEPTED)] },
    enriched: { exchange: flow.exchange, routingKey: ORDER_ENRICHED },
    baked: { name: `${ordersQueue}.baked` },
  }
}

export function declareBakedQueue(queue: Queue, queues: JourneyQueues): Promise<void> {
  return queue.declare(queues.baked)
}
