// The telemetry of one run, kept beside its ground truth so it can be exported later: spans from
// the trace store, metric samples, and log records. Behind one small interface, so a telemetry
// store with real logs can replace the span-derived ones without touching the exporters.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { SpanStore, StoredSpan } from '../platform/telemetry/index.ts'
import type { MetricHistory, MetricPoint } from './metric-history.ts'

export interface LogRecord {
  readonly timeMs: number
  readonly service: string
  readonly level: string
  readonly message: string
  readonly traceId: string | undefined
  readonly spanId: string | undefined
}

export interface RunTelemetry {
  readonly spans: readonly StoredSpan[]
  readonly metrics: readonly MetricPoint[]
  readonly logs: readonly LogRecord[]
}

/** Where a run's telemetry comes from while it is still in memory. */
export interface TelemetrySource {
  collect(fromMs: number, toMs: number): Promise<RunTelemetry>
}

/** Bounds of one snapshot: the store holds at most this many spans anyway by default. */
const MAX_SPANS = 20_000
const MAX_METRIC_POINTS = 100_000

/**
 * Log records as the services would have written them for the spans: an error span is an error
 * line with its status message, a span event (a recorded exception, a retry) an info line.
 */
export function logsFromSpans(spans: readonly StoredSpan[]): LogRecord[] {
  const out: LogRecord[] = []
  for (const span of spans) {
    for (const event of span.events) {
      out.push({
        timeMs: event.timeMs,
        service: span.service,
        level: event.name === 'exception' ? 'error' : 'info',
        message: String(event.attributes['exception.message'] ?? event.name),
        traceId: span.traceId,
        spanId: span.spanId,
      })
    }
    if (span.status === 'error') {
      out.push({
        timeMs: span.startTimeMs + span.durationMs,
        service: span.service,
        level: 'error',
        message: `${span.name} failed${span.statusMessage ? `: ${span.statusMessage}` : ''}`,
        traceId: span.traceId,
        spanId: span.spanId,
      })
    }
  }
  return out.sort((a, b) => a.timeMs - b.timeMs)
}

/** The log lines of a window from the telemetry store (the services' own pino lines). */
export type LogSource = (fromMs: number, toMs: number, limit: number) => LogRecord[]

const MAX_LOGS = 20_000

/**
 * Spans from the span store, metric samples from the history, and log lines from the telemetry
 * store when the process has one (else derived from the spans).
 */
export function inProcessTelemetry(
  store: SpanStore | undefined,
  metrics: MetricHistory,
  logs?: LogSource,
): TelemetrySource {
  return {
    async collect(fromMs, toMs) {
      const spans: StoredSpan[] = []
      store?.each((span) => {
        if (span.startTimeMs >= fromMs && span.startTimeMs <= toMs) spans.push(span)
        return spans.length < MAX_SPANS
      })
      spans.sort((a, b) => a.startTimeMs - b.startTimeMs)
      return {
        spans,
        metrics: metrics.points(fromMs, toMs).slice(-MAX_METRIC_POINTS),
        logs: logs ? logs(fromMs, toMs, MAX_LOGS) : logsFromSpans(spans),
      }
    },
  }
}

export function runDirectory(incidentDir: string, caseId: string): string {
  if (!/^[\w.-]{1,120}$/.test(caseId)) {
    throw new BakeryError(ErrorCode.INCIDENT_RUN_UNKNOWN, `run id "${caseId}" is not a run id`, {
      status: 404,
    })
  }
  return join(incidentDir, 'runs', caseId)
}

export async function saveRunTelemetry(dir: string, telemetry: RunTelemetry): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'telemetry.json'), JSON.stringify(telemetry))
}

export async function loadRunTelemetry(dir: string): Promise<RunTelemetry> {
  try {
    return JSON.parse(await readFile(join(dir, 'telemetry.json'), 'utf8')) as RunTelemetry
  } catch (error) {
    throw new BakeryError(ErrorCode.INCIDENT_RUN_UNKNOWN, `no telemetry saved for the run in ${dir}`, {
      status: 404,
      cause: error,
    })
  }
}
