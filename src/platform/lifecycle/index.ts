export { type Running, type RunOptions, runServices } from './runner.ts'
export {
  type ReadinessCheck,
  type ReadinessReport,
  runReadiness,
  type Service,
  withTimeout,
} from './service.ts'
