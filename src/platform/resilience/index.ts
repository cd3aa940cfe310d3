export {
  type BreakerSnapshot,
  BreakerState,
  type CallOptions,
  createResiliencePolicy,
  defaultResilience,
  type ResilienceOptions,
  type ResiliencePolicy,
} from './policy.ts'
export { BREAKER_STATE_VALUE, type BreakerRegistry, createBreakerRegistry } from './registry.ts'
