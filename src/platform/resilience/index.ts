export {
  type BreakerSnapshot,
  BreakerState,
  type CallOptions,
  createResiliencePolicy,
  defaultResilience,
  type ResilienceOptions,
  type ResiliencePolicy,
} from './policy.ts'
export { type BreakerRegistry, createBreakerRegistry } from './registry.ts'
