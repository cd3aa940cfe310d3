// The process's circuit breakers, by name: read by `GET /admin/breakers` and exported as metrics
// (state as a gauge, transitions as a counter), so a dashboard and alerts see a dependency trip.
import type { Meter } from '@opentelemetry/api'
import type { Logger } from '../log/index.ts'
import {
  type BreakerSnapshot,
  BreakerState,
  createResiliencePolicy,
  defaultResilience,
  type ResilienceOptions,
  type ResiliencePolicy,
} from './policy.ts'

/** Gauge values: 0 closed, 1 open, 2 half-open, 3 isolated (as Resilience4j and cockatiel number them). */
const STATE_VALUE: Record<BreakerState, number> = {
  [BreakerState.closed]: 0,
  [BreakerState.open]: 1,
  [BreakerState.halfOpen]: 2,
  [BreakerState.isolated]: 3,
}

export interface BreakerRegistry {
  /** The policy named `options.name`, created on first use (a second call returns the same one). */
  policy(
    options: Partial<ResilienceOptions> & { name: string },
    scope: { log: Logger; meter: Meter },
  ): ResiliencePolicy
  get(name: string): ResiliencePolicy | undefined
  list(): BreakerSnapshot[]
}

export function createBreakerRegistry(): BreakerRegistry {
  const policies = new Map<string, ResiliencePolicy>()
  const instrumented = new WeakSet<Meter>()

  function instrument(meter: Meter, policy: ResiliencePolicy): void {
    const transitions = meter.createCounter('bakery.circuit_breaker.transitions', {
      description: 'Circuit breaker state changes, by breaker and new state',
    })
    policy.onStateChange((to) => transitions.add(1, { 'circuit_breaker.name': policy.name, state: to }))
    if (instrumented.has(meter)) return
    instrumented.add(meter)
    meter
      .createObservableGauge('bakery.circuit_breaker.state', {
        description: 'Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 isolated',
      })
      .addCallback((result) => {
        for (const p of policies.values()) {
          result.observe(STATE_VALUE[p.state()], { 'circuit_breaker.name': p.name })
        }
      })
  }

  return {
    policy(options, scope) {
      let policy = policies.get(options.name)
      if (!policy) {
        policy = createResiliencePolicy({ ...defaultResilience, ...options }, scope.log)
        policies.set(options.name, policy)
        instrument(scope.meter, policy)
      }
      return policy
    },
    get: (name) => policies.get(name),
    list: () => [...policies.values()].map((p) => p.snapshot()),
  }
}
