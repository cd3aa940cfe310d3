// One error type for the whole product: callers branch on `code`, HTTP maps it to a status,
// workers read `retryable` to decide between retry and dead-letter.

export const ErrorCode = {
  CONFIG_INVALID: 'BKR_CONFIG_INVALID',
  HTTP_VALIDATION: 'BKR_HTTP_VALIDATION',
  HTTP_NOT_FOUND: 'BKR_HTTP_NOT_FOUND',
  HTTP_UNAUTHORIZED: 'BKR_HTTP_UNAUTHORIZED',
  HTTP_OVERLOADED: 'BKR_HTTP_OVERLOADED',
  INTERNAL: 'BKR_INTERNAL',
  DB_UNAVAILABLE: 'BKR_DB_UNAVAILABLE',
  DB_MIGRATION_CHECKSUM: 'BKR_DB_MIGRATION_CHECKSUM',
  DB_MIGRATION_FAILED: 'BKR_DB_MIGRATION_FAILED',
  ADAPTER_UNSUPPORTED: 'BKR_ADAPTER_UNSUPPORTED',
  SHUTDOWN_TIMEOUT: 'BKR_SHUTDOWN_TIMEOUT',
  SERVICE_UNKNOWN: 'BKR_SERVICE_UNKNOWN',
  SERVICE_NOT_STARTED: 'BKR_SERVICE_NOT_STARTED',
  HTTP_UNSUPPORTED_MEDIA_TYPE: 'BKR_HTTP_UNSUPPORTED_MEDIA_TYPE',
  DASHBOARD_UPSTREAM: 'BKR_DASHBOARD_UPSTREAM',
  QUEUE_UNAVAILABLE: 'BKR_QUEUE_UNAVAILABLE',
  QUEUE_PUBLISH_FAILED: 'BKR_QUEUE_PUBLISH_FAILED',
  MESSAGE_MALFORMED: 'BKR_MESSAGE_MALFORMED',
  ORDER_UNKNOWN: 'BKR_ORDER_UNKNOWN',
  TRACKING_NOTIFY_DENIED: 'BKR_TRACKING_NOTIFY_DENIED',
  DEPENDENCY_CIRCUIT_OPEN: 'BKR_DEPENDENCY_CIRCUIT_OPEN',
  DEPENDENCY_TIMEOUT: 'BKR_DEPENDENCY_TIMEOUT',
  DEPENDENCY_SATURATED: 'BKR_DEPENDENCY_SATURATED',
  DEPENDENCY_FAILED: 'BKR_DEPENDENCY_FAILED',
  FAULT_INJECTED: 'BKR_FAULT_INJECTED',
  FAULT_INVALID: 'BKR_FAULT_INVALID',
  FAULT_NOT_LOCAL: 'BKR_FAULT_NOT_LOCAL',
  HTTP_RATE_LIMITED: 'BKR_HTTP_RATE_LIMITED',
  IDEMPOTENCY_KEY_REUSED: 'BKR_IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_FLIGHT: 'BKR_IDEMPOTENCY_IN_FLIGHT',
  STREAM_UNAVAILABLE: 'BKR_STREAM_UNAVAILABLE',
  STREAM_BAD_EVENT: 'BKR_STREAM_BAD_EVENT',
  TSDB_UNAVAILABLE: 'BKR_TSDB_UNAVAILABLE',
  ALBUM_INVALID: 'BKR_ALBUM_INVALID',
  ALBUM_NOT_FOUND: 'BKR_ALBUM_NOT_FOUND',
  ALBUM_CONFLICT: 'BKR_ALBUM_CONFLICT',
  ALBUM_PRECONDITION_FAILED: 'BKR_ALBUM_PRECONDITION_FAILED',
  ALBUM_STORE_UNREACHABLE: 'BKR_ALBUM_STORE_UNREACHABLE',
  ALBUM_STORE_TIMEOUT: 'BKR_ALBUM_STORE_TIMEOUT',
  ALBUM_STORE_CIRCUIT_OPEN: 'BKR_ALBUM_STORE_CIRCUIT_OPEN',
  LOAD_OPTIONS_INVALID: 'BKR_LOAD_OPTIONS_INVALID',
  LOAD_BUSY: 'BKR_LOAD_BUSY',
  TELEMETRY_STORE_UNREADABLE: 'BKR_TELEMETRY_STORE_UNREADABLE',
  TELEMETRY_IMPORT_INVALID: 'BKR_TELEMETRY_IMPORT_INVALID',
  TELEMETRY_RUN_UNKNOWN: 'BKR_TELEMETRY_RUN_UNKNOWN',
  HTTP_MISDIRECTED: 'BKR_HTTP_MISDIRECTED',
  HTTP_FORBIDDEN: 'BKR_HTTP_FORBIDDEN',
  HTTP_PAYLOAD_TOO_LARGE: 'BKR_HTTP_PAYLOAD_TOO_LARGE',
  INCIDENT_UNKNOWN: 'BKR_INCIDENT_UNKNOWN',
  INCIDENT_BUSY: 'BKR_INCIDENT_BUSY',
  INCIDENT_NOT_RUNNING: 'BKR_INCIDENT_NOT_RUNNING',
  INCIDENT_RUN_UNKNOWN: 'BKR_INCIDENT_RUN_UNKNOWN',
  INCIDENT_ANSWER_INVALID: 'BKR_INCIDENT_ANSWER_INVALID',
  CLI_USAGE: 'BKR_CLI_USAGE',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

export interface BakeryErrorOptions {
  cause?: unknown
  retryable?: boolean
  status?: number
  details?: unknown
  /** Seconds a client should wait before trying again (HTTP `Retry-After` on a 429 or 503). */
  retryAfterS?: number
}

export class BakeryError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly status: number | undefined
  readonly details: unknown
  readonly retryAfterS: number | undefined

  constructor(code: ErrorCode, message: string, options: BakeryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'BakeryError'
    this.code = code
    this.retryable = options.retryable ?? false
    this.status = options.status
    this.details = options.details
    this.retryAfterS = options.retryAfterS
  }
}

/** A call that needs a started service (a readiness probe, a message) before it started. */
export function notStarted(what: string): BakeryError {
  return new BakeryError(ErrorCode.SERVICE_NOT_STARTED, `${what} is not started`, {
    retryable: true,
    status: 503,
  })
}

export function isBakeryError(value: unknown): value is BakeryError {
  return value instanceof BakeryError
}

export function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value)
}
