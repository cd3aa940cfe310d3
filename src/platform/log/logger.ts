import { context, trace } from '@opentelemetry/api'
import pino, { type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino'

export type { Logger } from 'pino'

export interface LoggerOptions {
  level: string
  format: 'auto' | 'json' | 'pretty'
  /** For tests: where JSON lines go. Defaults to stdout. */
  destination?: DestinationStream
  /** A second destination for every record (the telemetry store), besides stdout. */
  sink?: LogSink | undefined
}

/** Receives every log line as written (one JSON object per line); attach a consumer later. */
export interface LogSink {
  write(line: string): void
  attach(consumer: (record: Record<string, unknown>) => void): void
  detach(): void
}

export function createLogSink(): LogSink {
  let consumer: ((record: Record<string, unknown>) => void) | undefined
  return {
    write(line) {
      if (!consumer) return
      try {
        consumer(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // A line the store cannot take is still on stdout; the store never breaks logging.
      }
    },
    attach(next) {
      consumer = next
    },
    detach() {
      consumer = undefined
    },
  }
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
  const output =
    options.destination ??
    (pretty
      ? pino.transport({
          target: 'pino-pretty',
          options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
        })
      : pino.destination({ sync: false }))
  const level = options.level as pino.Level
  const destination = options.sink
    ? pino.multistream([
        { level, stream: output },
        { level, stream: options.sink },
      ])
    : output
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
