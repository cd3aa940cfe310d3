// A run in the layout of an RCAEval (RE2/RE3) case folder: inject_time.txt (Unix seconds),
// traces.csv and logs.csv (one row per span / log line, a `time` column in Unix seconds), and
// metrics.csv (wide: a `time` column, then one `<service>_<metric>` column per series).
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { GroundTruth } from '../ground-truth.ts'
import type { RunTelemetry } from '../run-telemetry.ts'
import { type Cell, writeCsv } from './csv.ts'

export const RCAEVAL_TRACE_COLUMNS = [
  'time',
  'traceID',
  'spanID',
  'parentSpanID',
  'serviceName',
  'operationName',
  'methodName',
  'startTime',
  'duration',
  'statusCode',
] as const
export const RCAEVAL_LOG_COLUMNS = ['time', 'timestamp', 'container_name', 'message'] as const

const seconds = (ms: number) => Math.floor(ms / 1000)

/** `<service>_<metric>` with label values folded in, as RCAEval's wide metric columns are named. */
function columnName(service: string, series: string): string {
  const name = series.replace(/\{.*$/, '')
  const labels = [...series.matchAll(/(\w+)="([^"]*)"/g)]
    .filter(([, key]) => !key?.startsWith('otel_scope'))
    .map(([, , value]) => value?.replace(/\W+/g, '_'))
  return [service, name, ...labels].filter(Boolean).join('_')
}

export async function exportRcaEval(
  truth: GroundTruth,
  telemetry: RunTelemetry,
  dir: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'inject_time.txt'), `${Math.floor(truth.inject_time)}\n`)
  await writeCsv(
    join(dir, 'traces.csv'),
    RCAEVAL_TRACE_COLUMNS,
    telemetry.spans.map((s): Cell[] => [
      seconds(s.startTimeMs),
      s.traceId,
      s.spanId,
      s.parentSpanId ?? '',
      s.service,
      s.name,
      String(s.attributes['http.request.method'] ?? ''),
      Math.round(s.startTimeMs * 1000),
      Math.round(s.durationMs * 1000),
      String(s.attributes['http.response.status_code'] ?? (s.status === 'error' ? 'ERROR' : 'OK')),
    ]),
  )
  await writeCsv(
    join(dir, 'logs.csv'),
    RCAEVAL_LOG_COLUMNS,
    telemetry.logs.map((l): Cell[] => [
      seconds(l.timeMs),
      new Date(l.timeMs).toISOString(),
      l.service,
      l.message,
    ]),
  )
  const columns = new Map<string, number>()
  const byTime = new Map<number, Map<number, number>>()
  for (const p of telemetry.metrics) {
    const column = columnName(p.service, p.series)
    let index = columns.get(column)
    if (index === undefined) {
      index = columns.size
      columns.set(column, index)
    }
    const row = byTime.get(seconds(p.timeMs)) ?? new Map<number, number>()
    row.set(index, (row.get(index) ?? 0) + p.value)
    byTime.set(seconds(p.timeMs), row)
  }
  const names = [...columns.keys()]
  await writeCsv(
    join(dir, 'metrics.csv'),
    ['time', ...names],
    [...byTime]
      .sort(([a], [b]) => a - b)
      .map(([time, row]): Cell[] => [time, ...names.map((_, i) => row.get(i) ?? '')]),
  )
  return ['inject_time.txt', 'traces.csv', 'logs.csv', 'metrics.csv']
}
