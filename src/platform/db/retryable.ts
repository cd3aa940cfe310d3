import { isDatabaseUnavailable, isDriverUnavailableError } from './unavailable.ts'

// Besides an unavailable database: other resource shortages and serialization failures/deadlocks.
const RETRYABLE_SQLSTATE = /^(53|57P0|40001|40P01)/

/** Connection losses, restarts, overload and serialization failures are worth a retry. */
export function isRetryableDbError(error: unknown): boolean {
  if (isDatabaseUnavailable(error) || isDriverUnavailableError(error)) return true
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && RETRYABLE_SQLSTATE.test(code)
}
