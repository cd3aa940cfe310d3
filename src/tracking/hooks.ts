// How the order journey hooks into the bakery's reception and baker (wired in src/services.ts).
// With BAKERY_ORDER_JOURNEY=false the reception only says the journey is off, and the baker
// bakes as it is.
import type { BakerHooks, ReceptionHooks } from '../bakery/orders/contract.ts'
import { createBakedHop } from './baked-hop.ts'
import type { TrackingDeps } from './config.ts'
import { createEntrypoint, createJourneyOff } from './entrypoint/index.ts'

export function receptionHooks(deps: TrackingDeps): ReceptionHooks {
  return deps.config.orderJourney ? createEntrypoint(deps) : createJourneyOff()
}

export function bakerHooks(deps: TrackingDeps): BakerHooks | undefined {
  return deps.config.orderJourney ? createBakedHop(deps) : undefined
}
