import { context, trace } from '@opentelemetry/api'
import pino, { type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino'

export type { Logger } from 'pino'

export interface LoggerOptions {
  level: string
  format: 'auto' | 'json' | 'pretty'
  /** For tests: where JSON lines go. Defaults to stdout. */
  destination?: DestinationStream
}

export interface Logging {
  /** The process's own logger (service "bakery"). */
  readonly root: Logger
  /** A logger whose every line carries `service: name`. */
  forService(name: string): Logger
}

// Keys that may carry credentials anywhere in a log record.
const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.cookie',
  'cookie',
  'adminToken',
  '*.adminToken',
  'BAKERY_ADMIN_TOKEN',
  '*.BAKERY_ADMIN_TOKEN',
]

/** JSON lines (readable on a terminal); lines inside a span carry trace_id and span_id. */
export function createLogging(options: LoggerOptions): Logging {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true)
  // One destination shared by every service's logger (one pretty-printing worker, not one each).
  const destination =
    options.destination ??
    (pretty
      ? pino.transport({
          target: 'pino-pretty',
          options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
        })
      : pino.destination({ sync: false }))
  const make = (service: string) => {
    const config: PinoOptions = {
      level: options.level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      mixin: traceFields,
    }
    if (!pretty) config.formatters = { level: (label: string) => ({ level: label }) }
    return pino(config, destination)
  }
  return { root: make('bakery'), forService: make }
}

/** A single logger, for tools and tests. */
export function createLogger(options: LoggerOptions & { service?: string }): Logger {
  return createLogging(options).forService(options.service ?? 'bakery')
}

function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active())
  if (!span) return {}
  const { traceId, spanId } = span.spanContext()
  return { trace_id: traceId, span_id: spanId }
}
