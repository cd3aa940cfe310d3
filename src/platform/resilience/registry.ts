// The process's circuit breakers, by name: read by `GET /admin/breakers` and exported as metrics
// (state as a gauge, transitions as a counter) on the meter of every service that uses them, so a
// dashboard and alerts see a dependency trip in the service that calls it.
import type { Meter, ObservableResult } from '@opentelemetry/api'
import type { Logger } from '../log/index.ts'
import {
  type BreakerSnapshot,
  BreakerState,
  createResiliencePolicy,
  defaultResilience,
  type ResilienceOptions,
  type ResiliencePolicy,
} from './policy.ts'

/**
 * The one numeric encoding of a breaker's state, in `bakery.circuit_breaker.state` and every
 * dashboard: 0 closed, 1 open, 2 half-open, 3 isolated (cockatiel's and Resilience4j's order).
 */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = Object.freeze({
  [BreakerState.closed]: 0,
  [BreakerState.open]: 1,
  [BreakerState.halfOpen]: 2,
  [BreakerState.isolated]: 3,
})

export interface BreakerRegistry {
  /**
   * The policy named `options.name`, created on first use: a second call returns the same one
   * (its options are the first caller's) and exports it on the second caller's meter too.
   */
  policy(
    options: Partial<ResilienceOptions> & { name: string },
    scope: { log: Logger; meter: Meter },
  ): ResiliencePolicy
  get(name: string): ResiliencePolicy | undefined
  list(): BreakerSnapshot[]
}

export function createBreakerRegistry(): BreakerRegistry {
  const policies = new Map<string, ResiliencePolicy>()
  /** Per meter (one per service), the policies that service uses. */
  const exported = new WeakMap<Meter, Set<ResiliencePolicy>>()

  function exportOn(meter: Meter, policy: ResiliencePolicy): void {
    let used = exported.get(meter)
    if (!used) {
      const mine = new Set<ResiliencePolicy>()
      used = mine
      exported.set(meter, mine)
      meter
        .createObservableGauge('bakery.circuit_breaker.state', {
          description: 'Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 isolated',
        })
        .addCallback((result: ObservableResult) => {
          for (const p of mine)
            result.observe(BREAKER_STATE_VALUE[p.state()], { 'circuit_breaker.name': p.name })
        })
    }
    if (used.has(policy)) return
    used.add(policy)
    const transitions = meter.createCounter('bakery.circuit_breaker.transitions', {
      description: 'Circuit breaker state changes, by breaker and new state',
    })
    policy.onStateChange((to) => transitions.add(1, { 'circuit_breaker.name': policy.name, state: to }))
    // Starts at 0, so increase() and alert rules see the breaker before its first change.
    transitions.add(0, { 'circuit_breaker.name': policy.name, state: 'open' })
  }

  return {
    policy(options, scope) {
      let policy = policies.get(options.name)
      if (!policy) {
        policy = createResiliencePolicy({ ...defaultResilience, ...options }, scope.log)
        policies.set(options.name, policy)
      }
      exportOn(scope.meter, policy)
      return policy
    },
    get: (name) => policies.get(name),
    list: () => [...policies.values()].map((p) => p.snapshot()),
  }
}
