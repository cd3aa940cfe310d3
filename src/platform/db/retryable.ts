const RETRYABLE_SQLSTATE = /^(08|53|57P0|40001|40P01)/
const RETRYABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'])

/** Connection losses, restarts, overload and serialization failures are worth a retry. */
export function isRetryableDbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (RETRYABLE_SQLSTATE.test(code) || RETRYABLE_ERRNO.has(code))) return true
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
    error.message,
  )
}
