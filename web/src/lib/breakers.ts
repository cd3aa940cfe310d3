// Circuit breakers as the drills page shows them: gathered from the admin API of every service
// that owns breakers, one row per service and breaker, with the ONE numeric encoding that
// `bakery.circuit_breaker.state` and the Grafana panels use (src/platform/resilience/registry.ts).

export interface Breaker {
  name: string
  state: string
  since: string
  failures: number
  successes: number
  rejected: number
  transitions: number
}

/** Services with outgoing calls behind breakers: dashboard upstream name → label. */
export const BREAKER_SERVICES = [
  { upstream: 'coffee', label: 'coffee reception' },
  { upstream: 'reception', label: 'bakery reception' },
  { upstream: 'albums', label: 'album proxy' },
] as const
export type BreakerService = (typeof BREAKER_SERVICES)[number]['upstream']

/** The metric's value per state: 0 closed, 1 open, 2 half-open, 3 isolated. */
export const BREAKER_STATE_VALUE: Readonly<Record<string, number>> = {
  closed: 0,
  open: 1,
  'half-open': 2,
  isolated: 3,
}

const MEANING: Readonly<Record<string, string>> = {
  closed: 'calls go through',
  open: 'failing fast without calling',
  'half-open': 'letting one trial call through',
  isolated: 'held open by hand',
}

/** What a state means, with its metric value, e.g. "open (1): failing fast without calling". */
export function describeBreakerState(state: string): string {
  const value = BREAKER_STATE_VALUE[state]
  return value === undefined ? state : `${state} (${value}): ${MEANING[state]}`
}

export interface BreakerRow extends Breaker {
  service: BreakerService
  serviceLabel: string
  key: string
}

/** One row per service and breaker, services in the order above, breakers by name. */
export function breakerRows(byService: Partial<Record<BreakerService, readonly Breaker[]>>): BreakerRow[] {
  return BREAKER_SERVICES.flatMap(({ upstream, label }) =>
    [...(byService[upstream] ?? [])]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((b) => ({ ...b, service: upstream, serviceLabel: label, key: `${upstream}-${b.name}` })),
  )
}
