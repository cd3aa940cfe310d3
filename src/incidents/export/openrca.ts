// A run in the layout of an OpenRCA system folder: record.csv (the root cause: level, component,
// timestamp, datetime, reason), query.csv (the task and its scoring points), and the telemetry of
// the day under telemetry/YYYY_MM_DD/: trace/trace_span.csv, log/log_service.csv and
// metric/metric_container.csv, with the column names OpenRCA uses. Datetimes here are UTC.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { GroundTruth } from '../ground-truth.ts'
import type { RunTelemetry } from '../run-telemetry.ts'
import { type Cell, writeCsv } from './csv.ts'

export const OPENRCA_RECORD_COLUMNS = ['level', 'component', 'timestamp', 'datetime', 'reason'] as const
export const OPENRCA_QUERY_COLUMNS = ['task_index', 'instruction', 'scoring_points'] as const
export const OPENRCA_TRACE_COLUMNS = [
  'timestamp',
  'cmdb_id',
  'span_id',
  'trace_id',
  'duration',
  'type',
  'status_code',
  'operation_name',
  'parent_span',
] as const
export const OPENRCA_LOG_COLUMNS = ['log_id', 'timestamp', 'cmdb_id', 'log_name', 'value'] as const
export const OPENRCA_METRIC_COLUMNS = ['timestamp', 'cmdb_id', 'kpi_name', 'value'] as const

/** `2026-12-03 12:41:07`, the datetime format of OpenRCA's record.csv. */
export function openRcaDatetime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

export async function exportOpenRca(
  truth: GroundTruth,
  telemetry: RunTelemetry,
  dir: string,
): Promise<string[]> {
  const day = new Date(truth.start_time * 1000).toISOString().slice(0, 10).replaceAll('-', '_')
  const base = join(dir, 'telemetry', day)
  for (const sub of ['trace', 'log', 'metric']) await mkdir(join(base, sub), { recursive: true })
  const rc = truth.root_cause
  const inject = Math.floor(truth.inject_time)
  await writeCsv(join(dir, 'record.csv'), OPENRCA_RECORD_COLUMNS, [
    [rc.level, rc.component, inject, openRcaDatetime(inject), rc.reason],
  ])
  const window = `${openRcaDatetime(Math.floor(truth.start_time))} to ${openRcaDatetime(Math.ceil(truth.end_time))}`
  await writeCsv(join(dir, 'query.csv'), OPENRCA_QUERY_COLUMNS, [
    [
      'task_7',
      `Between ${window} (UTC) one failure occurred: ${truth.title.toLowerCase()}. Find the root cause component, the root cause reason and the time the root cause occurred.`,
      `The only root cause component is ${rc.component}\nThe only root cause reason is ${rc.reason}\nThe only root cause occurrence time is ${openRcaDatetime(inject)}`,
    ],
  ])
  await writeCsv(
    join(base, 'trace', 'trace_span.csv'),
    OPENRCA_TRACE_COLUMNS,
    telemetry.spans.map((s): Cell[] => [
      Math.round(s.startTimeMs),
      s.service,
      s.spanId,
      s.traceId,
      Math.round(s.durationMs),
      s.kind,
      String(s.attributes['http.response.status_code'] ?? (s.status === 'error' ? 'Error' : 'Ok')),
      s.name,
      s.parentSpanId ?? '',
    ]),
  )
  await writeCsv(
    join(base, 'log', 'log_service.csv'),
    OPENRCA_LOG_COLUMNS,
    telemetry.logs.map((l, i): Cell[] => [
      `${truth.case_id}-${i}`,
      Math.floor(l.timeMs / 1000),
      l.service,
      `log_${l.level}`,
      l.message,
    ]),
  )
  await writeCsv(
    join(base, 'metric', 'metric_container.csv'),
    OPENRCA_METRIC_COLUMNS,
    telemetry.metrics.map((p): Cell[] => [
      Math.floor(p.timeMs / 1000),
      p.service,
      p.series.replace(/,?otel_scope_\w+="[^"]*"/g, '').replace('{}', ''),
      p.value,
    ]),
  )
  const relative = join('telemetry', day)
  return [
    'record.csv',
    'query.csv',
    join(relative, 'trace', 'trace_span.csv'),
    join(relative, 'log', 'log_service.csv'),
    join(relative, 'metric', 'metric_container.csv'),
  ]
}
