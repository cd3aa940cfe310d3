import { formatClock, formatDuration, shortId } from '../lib/format.ts'
import type { TraceSummary } from '../lib/types.ts'

type Row = TraceSummary & { linked?: boolean }

/** Trace summaries as a table: start, root span (linking to the trace), services, spans, duration. */
export function TraceTable({
  traces,
  testId,
  showId = false,
}: {
  traces: Row[]
  testId?: string
  showId?: boolean
}) {
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Root span</th>
          <th scope="col">Services</th>
          <th scope="col">Spans</th>
          <th scope="col">Duration</th>
          {showId && <th scope="col">Trace</th>}
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr key={t.traceId} class={t.error ? 'err' : undefined}>
            <td>{formatClock(t.startTimeMs)}</td>
            <td>
              <a href={`#/traces/${t.traceId}`}>{t.rootName || '(no root)'}</a>
              {t.linked && <span class="badge">linked</span>}
              {t.error && <span class="badge err">error</span>}
            </td>
            <td>{t.services.join(', ')}</td>
            <td>{t.spanCount}</td>
            <td>{formatDuration(t.durationMs)}</td>
            {showId && (
              <td>
                <code>{shortId(t.traceId)}</code>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
