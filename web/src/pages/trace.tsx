import { useEffect, useState } from 'preact/hooks'
import { usePoll } from '../hooks.ts'
import { formatClock, formatDuration, formatValue, shortId } from '../lib/format.ts'
import type { Info, LogLine, Span, TraceDetail } from '../lib/types.ts'
import { buildWaterfall } from '../lib/waterfall.ts'
import { LogTable } from './log-table.tsx'

const SERVICE_COLORS = ['#8c5a1e', '#2b6cb0', '#2f7d4a', '#9b2c8f', '#b7791f', '#4a5568', '#c05621']

function colorOf(service: string, services: string[]): string {
  return SERVICE_COLORS[services.indexOf(service) % SERVICE_COLORS.length] ?? '#4a5568'
}

/** "→ publish-order (reception)": a forward link named like a back-link, when its target is stored. */
function linkName(detail: TraceDetail, spanId: string): string | undefined {
  const target = detail.linksTo?.find((t) => t.spanId === spanId)
  return target && `→ ${target.name} (${target.service})`
}

function SpanDetail({
  span,
  detail,
  logs,
}: {
  span: Span
  detail: TraceDetail
  logs: LogLine[] | undefined
}) {
  const spanLogs = logs?.filter((l) => l.spanId === span.spanId)
  const incoming = detail.linkedFrom.filter((l) => l.targetSpanId === span.spanId)
  return (
    <section class="card" aria-labelledby="span-title" data-testid="span-detail">
      <h2 id="span-title">
        {span.name} <span class="badge">{span.kind}</span>
        {span.status === 'error' && <span class="badge err">error</span>}
      </h2>
      <p class="muted small">
        {span.service} · started {formatClock(span.startTimeMs)} · took {formatDuration(span.durationMs)} ·
        span <code>{span.spanId}</code>
        {span.statusMessage && ` · ${span.statusMessage}`}
      </p>
      {(span.links.length > 0 || incoming.length > 0) && (
        <>
          <h3>Links</h3>
          <ul class="plain links">
            {span.links.map((l) => (
              <li key={`${l.traceId}${l.spanId}`}>
                <a href={`#/traces/${l.traceId}?span=${l.spanId}`} data-testid="link-out">
                  {linkName(detail, l.spanId) ?? `→ linked span ${shortId(l.spanId)}`} in trace{' '}
                  {shortId(l.traceId)}
                </a>{' '}
                <span class="muted small">(this span follows from it, e.g. the producer)</span>
              </li>
            ))}
            {incoming.map((l) => (
              <li key={`${l.traceId}${l.spanId}`}>
                <a href={`#/traces/${l.traceId}?span=${l.spanId}`} data-testid="link-in">
                  ← {l.name} ({l.service}) in trace {shortId(l.traceId)}
                </a>{' '}
                <span class="muted small">(links back to this span, e.g. the consumer)</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Attributes</h3>
      <KeyValues values={span.attributes} />
      {span.resource && Object.keys(span.resource).length > 0 && (
        <details data-testid="span-resource">
          <summary>
            <h3 class="inline">Resource</h3>{' '}
            <span class="muted small">({Object.keys(span.resource).length} attributes of the process)</span>
          </summary>
          <KeyValues values={span.resource} />
        </details>
      )}
      {spanLogs && (
        <>
          <h3>Log lines</h3>
          <LogTable logs={spanLogs} showTrace={false} />
        </>
      )}
      {span.events.length > 0 && (
        <>
          <h3>Events</h3>
          <ul class="plain">
            {span.events.map((e, i) => (
              <li key={`${e.name}${i}`}>
                <strong>{e.name}</strong>{' '}
                <span class="muted small">+{formatDuration(e.timeMs - span.startTimeMs)}</span>{' '}
                {Object.entries(e.attributes)
                  .map(([k, v]) => `${k}=${formatValue(v)}`)
                  .join(' ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

export function TracePage({
  traceId,
  spanId,
  info,
}: {
  traceId: string
  spanId: string | null
  info: Info | undefined
}) {
  const { data, error } = usePoll<TraceDetail>(`/api/traces/${traceId}`, 0)
  // The trace's log lines (oldest first), when the dashboard keeps a telemetry store.
  const logs = usePoll<{ logs: LogLine[] }>(
    info?.traces.store ? `/api/logs?traceId=${traceId}&limit=1000` : undefined,
    0,
  ).data?.logs
  const [selected, setSelected] = useState<string | null>(spanId)
  useEffect(() => setSelected(spanId), [spanId])
  const external = info?.traces.externalUrl?.replace('{traceId}', traceId)
  if (error) {
    return (
      <>
        <h1>
          Trace <code>{traceId}</code>
        </h1>
        <p class="error" role="alert">
          {error}
        </p>
        {external && <a href={external}>Open it in the external trace UI</a>}
      </>
    )
  }
  if (!data) return <p class="muted">Loading trace…</p>
  const waterfall = buildWaterfall(data.spans)
  const services = [...new Set(data.spans.map((s) => s.service))]
  const root = waterfall.rows[0]?.span
  const current = data.spans.find((s) => s.spanId === selected) ?? root
  const linkedIn = data.linkedFrom.length
  const linkedOut = data.spans.reduce((n, s) => n + s.links.length, 0)
  return (
    <>
      <p>
        <a href="#/traces">← Traces</a>
      </p>
      <h1>
        {root?.name ?? 'Trace'} <code class="small">{traceId}</code>
      </h1>
      <p class="muted">
        {formatDuration(waterfall.durationMs)} · {data.spans.length} spans · {services.join(', ')}
        {linkedOut > 0 && ` · links to ${linkedOut} span(s) in other traces`}
        {linkedIn > 0 && ` · linked from ${linkedIn} span(s) in other traces`}
        {external && (
          <>
            {' · '}
            <a href={external} target="_blank" rel="noreferrer">
              open in trace UI
            </a>
          </>
        )}
      </p>
      <section class="card" aria-label="Waterfall">
        <ol class="waterfall">
          {waterfall.rows.map((row) => (
            <li key={row.span.spanId}>
              <button
                type="button"
                class={`row${row.span.spanId === current?.spanId ? ' selected' : ''}`}
                aria-pressed={row.span.spanId === current?.spanId}
                onClick={() => setSelected(row.span.spanId)}
              >
                <span class="label" style={{ paddingLeft: `${row.depth * 14}px` }}>
                  <span class="dot" style={{ background: colorOf(row.span.service, services) }} />
                  {row.span.name}
                  {(row.span.links.length > 0 ||
                    data.linkedFrom.some((l) => l.targetSpanId === row.span.spanId)) && (
                    <span class="badge" title="has span links">
                      link
                    </span>
                  )}
                  <span class="muted small"> {row.span.service}</span>
                </span>
                <span class="track">
                  <span
                    class={`bar${row.span.status === 'error' ? ' err' : ''}`}
                    style={{
                      left: `${row.offsetPct}%`,
                      width: `${row.widthPct}%`,
                      background: colorOf(row.span.service, services),
                    }}
                  />
                </span>
                <span class="dur">{formatDuration(row.span.durationMs)}</span>
              </button>
            </li>
          ))}
        </ol>
      </section>
      {current && <SpanDetail span={current} detail={data} logs={logs} />}
    </>
  )
}

/** Attributes (of a span or of its resource) as a two-column table. */
function KeyValues({ values }: { values: Record<string, unknown> }) {
  return (
    <table class="kv">
      <tbody>
        {Object.entries(values).map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{formatValue(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
