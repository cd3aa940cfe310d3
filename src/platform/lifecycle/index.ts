export {
  createRelayTimer,
  MAX_RELAY_DELAY_MS,
  type RelayTimer,
  type RelayTimerOptions,
} from './relay-timer.ts'
export { type Running, type RunOptions, runServices } from './runner.ts'
export {
  type ReadinessCheck,
  type ReadinessReport,
  runReadiness,
  type Service,
  withTimeout,
} from './service.ts'
