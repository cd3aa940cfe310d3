// "The database is unavailable", as opposed to "this statement failed": the connection was refused,
// reset or lost, the server refuses new clients or is shutting down, or no pool client came in
// time. The PostgreSQL adapter reports it as BKR_DB_UNAVAILABLE (retryable, HTTP 503); callers
// answer 503 + Retry-After (HTTP) or retry later (workers), never a 500.
import { BakeryError, ErrorCode, errorMessage } from '../errors.ts'

// 08: connection exception; 53300: too many connections; 57P01/02/03/05: admin or crash shutdown,
// cannot connect now, idle session timeout (the server closed the connection).
const UNAVAILABLE_SQLSTATE = /^(08\w{3}|53300|57P0[1235])$/
// Network errors name no database: they count only where the error surely comes from the driver.
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])
// node-postgres reports a lost socket, a connect timeout and a pool wait timeout without a code.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** An error straight from node-postgres (or its socket) that says the server is out of reach. */
export function isDriverUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = codeOf(error)
  if (code !== undefined && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true
  if (error instanceof AggregateError && error.errors.some(isDriverUnavailableError)) return true
  return UNAVAILABLE_MESSAGE.test(error.message)
}

/**
 * True when `error`, or an error it wraps (`cause`, AggregateError), is BKR_DB_UNAVAILABLE or
 * carries an "unavailable" SQLSTATE: a route wrapping the database's error still answers 503.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false
  if (error instanceof BakeryError && error.code === ErrorCode.DB_UNAVAILABLE) return true
  const code = codeOf(error)
  if (code !== undefined && UNAVAILABLE_SQLSTATE.test(code)) return true
  if (error instanceof AggregateError && error.errors.some((e) => isDatabaseUnavailable(e, depth + 1))) {
    return true
  }
  return isDatabaseUnavailable(error.cause, depth + 1)
}

/** The one error callers see for an unavailable database: retryable, HTTP 503. */
export function databaseUnavailable(cause: unknown): BakeryError {
  if (cause instanceof BakeryError && cause.code === ErrorCode.DB_UNAVAILABLE) return cause
  return new BakeryError(ErrorCode.DB_UNAVAILABLE, `database unavailable: ${errorMessage(cause)}`, {
    cause,
    retryable: true,
    status: 503,
  })
}

/** For the driver's rejections: "unavailable" becomes BKR_DB_UNAVAILABLE, anything else as it is. */
export function rethrowUnavailable(error: unknown): never {
  throw isDriverUnavailableError(error) ? databaseUnavailable(error) : error
}
