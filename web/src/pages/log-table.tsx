import { formatClock, shortId } from '../lib/format.ts'
import type { LogLine } from '../lib/types.ts'

/** Log lines as a table: time, level, service, message and fields, links to trace and order. */
export function LogTable({ logs, showTrace = true }: { logs: LogLine[]; showTrace?: boolean }) {
  if (logs.length === 0) return <p class="muted">No log lines.</p>
  return (
    <table data-testid="log-lines">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Level</th>
          <th scope="col">Service</th>
          <th scope="col">Message</th>
          {showTrace && <th scope="col">Trace</th>}
        </tr>
      </thead>
      <tbody>
        {logs.map((l, i) => (
          <tr key={`${l.timeMs}${i}`} data-testid="log-line">
            <td class="small">{formatClock(l.timeMs)}</td>
            <td>
              <span class={`badge${l.level === 'error' || l.level === 'fatal' ? ' err' : ''}`}>
                {l.level}
              </span>
            </td>
            <td>{l.service}</td>
            <td>
              {l.message}{' '}
              <span class="muted small">
                {Object.entries(l.attributes)
                  .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
                  .join(' ')}
              </span>
              {l.orderKey && (
                <>
                  {' '}
                  <a href={`#/signals/${encodeURIComponent(l.orderKey)}`} class="small">
                    order {shortId(l.orderKey)}
                  </a>
                </>
              )}
            </td>
            {showTrace && (
              <td class="small">
                {l.traceId ? (
                  <a href={`#/traces/${l.traceId}${l.spanId ? `?span=${l.spanId}` : ''}`}>
                    {shortId(l.traceId)}
                  </a>
                ) : (
                  '—'
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
