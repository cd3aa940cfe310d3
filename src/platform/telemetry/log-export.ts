// Every pino record of a process, also as an OTLP log record (OTEL_LOGS_EXPORTER=otlp, the
// spec's default, whenever OTEL_EXPORTER_OTLP_ENDPOINT is set): services running apart from the
// dashboard send their log lines where their spans go, with the trace and span they were
// written in. The OpenTelemetry logs SDK batches them (a bounded queue: beyond it, records are
// dropped, never buffered without end) and its OTLP exporters speak each protocol.
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import type { AnyValueMap, Logger, SeverityNumber } from '@opentelemetry/api-logs'
import type { Resource } from '@opentelemetry/resources'
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs'
import type { PlatformConfig } from '../config/index.ts'

export interface LogExport {
  /** One pino record, as parsed from its JSON line. */
  emit(record: Record<string, unknown>): void
  flush(): Promise<void>
  shutdown(): Promise<void>
}

// Fields that become the log record's own parts (time, severity, body, trace context) or that
// the resource already says (the service, its process).
const OWN_FIELDS = new Set(['time', 'level', 'msg', 'service', 'trace_id', 'span_id', 'pid', 'hostname'])
const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }
const SEVERITY_TEXT: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}
const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^[0-9a-f]{16}$/

/** Pino's level (a number, or its label in JSON logs) as a number. */
function levelOf(value: unknown): number {
  if (typeof value === 'number') return value
  return (typeof value === 'string' && LEVELS[value]) || 30
}

/** Pino level → OTLP SeverityNumber (TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21). */
export function severityOf(level: number): SeverityNumber {
  return Math.max(1, Math.min(24, Math.floor((level - 10) / 10) * 4 + 1)) as SeverityNumber
}

function timeOf(value: unknown): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN
  return Number.isFinite(ms) ? ms : Date.now()
}

function attributesOf(record: Record<string, unknown>): AnyValueMap {
  const out: AnyValueMap = {}
  for (const key in record) {
    if (OWN_FIELDS.has(key)) continue
    const value = record[key]
    if (value === null || value === undefined) continue
    out[key] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value)
  }
  return out
}

/** Whether this process exports its log records (OTLP on, OTEL_LOGS_EXPORTER not none). */
export const logsExported = (config: PlatformConfig): boolean =>
  !config.otelSdkDisabled && config.otlpEndpoint !== undefined && config.logsExporter !== 'none'

export function createLogExport(
  config: PlatformConfig,
  exporter: LogRecordExporter,
  resourceFor: (service: string) => Resource,
): LogExport {
  const processor = new BatchLogRecordProcessor({ exporter })
  const limits = {
    attributeValueLengthLimit: config.attributeValueLengthLimit,
    attributeCountLimit: config.spanAttributeCountLimit,
  }
  // One provider per service: each record carries its own service's resource, as its spans do.
  const loggers = new Map<string, Logger>()
  const loggerOf = (service: string): Logger => {
    let logger = loggers.get(service)
    if (!logger) {
      const provider = new LoggerProvider({
        resource: resourceFor(service),
        logRecordLimits: limits,
        processors: [processor],
      })
      logger = provider.getLogger('bakery')
      loggers.set(service, logger)
    }
    return logger
  }
  return {
    emit(record) {
      const level = levelOf(record.level)
      const traceId = record.trace_id
      const spanId = record.span_id
      const context =
        typeof traceId === 'string' &&
        TRACE_ID.test(traceId) &&
        typeof spanId === 'string' &&
        SPAN_ID.test(spanId)
          ? trace.setSpanContext(ROOT_CONTEXT, {
              traceId,
              spanId,
              traceFlags: TraceFlags.SAMPLED,
              isRemote: true,
            })
          : ROOT_CONTEXT
      loggerOf(typeof record.service === 'string' ? record.service : 'bakery').emit({
        timestamp: timeOf(record.time),
        severityNumber: severityOf(level),
        severityText: SEVERITY_TEXT[Math.floor(level / 10) * 10] ?? 'INFO',
        body: typeof record.msg === 'string' ? record.msg : '',
        attributes: attributesOf(record),
        context,
      })
    },
    flush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  }
}
