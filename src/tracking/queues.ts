// The queues of the order journey. The orders queue belongs to the orders flow (reception →
// baker); with the journey on, enrichment takes it and the baker takes `<orders>.enriched`.
import type { Config } from '../platform/config/index.ts'

export interface JourneyQueues {
  accepted: string
  enriched: string
  baked: string
}

export function journeyQueues(config: Config): JourneyQueues {
  const orders = config.ordersQueue
  return { accepted: orders, enriched: `${orders}.enriched`, baked: `${orders}.baked` }
}
