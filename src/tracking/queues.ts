// The queues of the order journey. `orders` belongs to the orders flow (reception → baker); with
// the journey on, enrichment takes it and the baker takes `orders.enriched` instead.
import { ORDERS_QUEUE } from '../bakery/orders/message.ts'

export const JOURNEY_QUEUES = {
  accepted: ORDERS_QUEUE,
  enriched: 'orders.enriched',
  baked: 'orders.baked',
} as const
