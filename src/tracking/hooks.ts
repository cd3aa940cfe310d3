// How the order journey hooks into the bakery's reception and baker (wired in src/services.ts).
// With BAKERY_ORDER_JOURNEY=false the reception only says the journey is off, and the baker
// bakes as it is.
import type { BakerHooks, ReceptionHooks } from '../bakery/orders/contract.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'
import { createBakedHop } from './baked-hop.ts'
import { createEntrypoint, createJourneyOff } from './entrypoint/index.ts'

export function receptionHooks(deps: ServiceDeps): ReceptionHooks {
  return deps.config.orderJourney ? createEntrypoint(deps) : createJourneyOff()
}

export function bakerHooks(deps: ServiceDeps): BakerHooks | undefined {
  return deps.config.orderJourney ? createBakedHop(deps) : undefined
}
