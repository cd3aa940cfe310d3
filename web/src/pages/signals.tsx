import { useState } from 'preact/hooks'
import { usePoll } from '../hooks.ts'
import { formatClock, formatDuration, shortId } from '../lib/format.ts'
import type { OrderSignals } from '../lib/types.ts'
import { LogTable } from './log-table.tsx'
import { TraceTable } from './trace-table.tsx'

function SignalsSearch({ initial }: { initial: string }) {
  const [key, setKey] = useState(initial)
  return (
    <form
      class="card search"
      aria-label="Find an order"
      onSubmit={(e) => {
        e.preventDefault()
        if (key.trim()) location.hash = `#/signals/${encodeURIComponent(key.trim())}`
      }}
    >
      <label>
        Order key (bakery) or order id (coffee)
        <input name="orderKey" type="text" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
      </label>
      <button type="submit">Show signals</button>
    </form>
  )
}

export function SignalsPage({ orderKey }: { orderKey: string }) {
  const { data, error } = usePoll<OrderSignals>(
    orderKey ? `/api/orders/${encodeURIComponent(orderKey)}/signals` : undefined,
    5000,
  )
  return (
    <>
      <h1>Order signals {orderKey && <code class="small">{orderKey}</code>}</h1>
      <p class="muted">
        One order across traces, logs, its journey and the metric exemplars that carry its key.
      </p>
      <SignalsSearch initial={orderKey} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {data && (
        <>
          <section class="card" aria-labelledby="sig-traces">
            <h2 id="sig-traces">Traces ({data.traces.length})</h2>
            <TraceTable traces={data.traces} testId="signal-traces" />
          </section>
          <section class="card" aria-labelledby="sig-journey">
            <h2 id="sig-journey">Journey</h2>
            {data.journey.available ? (
              <ol class="plain" data-testid="signal-hops">
                {(data.journey.view?.hops ?? []).map((h) => (
                  <li key={h.hop}>
                    <strong>{h.hop}</strong> {h.state}
                    {h.latencyMs !== null && h.latencyMs !== undefined && ` · ${formatDuration(h.latencyMs)}`}
                    {h.worker && <span class="muted small"> · {h.worker}</span>}
                  </li>
                ))}
              </ol>
            ) : (
              <p class="muted">{data.journey.reason}</p>
            )}
          </section>
          <section class="card" aria-labelledby="sig-logs">
            <h2 id="sig-logs">Log lines ({data.logs.length}, oldest first)</h2>
            <LogTable logs={data.logs} />
          </section>
          <section class="card" aria-labelledby="sig-exemplars">
            <h2 id="sig-exemplars">Metric exemplars ({data.exemplars.length})</h2>
            <table data-testid="signal-exemplars">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Metric</th>
                  <th scope="col">Service</th>
                  <th scope="col">Value</th>
                  <th scope="col">Span</th>
                </tr>
              </thead>
              <tbody>
                {data.exemplars.map((e) => (
                  <tr key={`${e.metric}${e.spanId}${e.timeMs}`}>
                    <td>{formatClock(e.timeMs)}</td>
                    <td>
                      <code>{e.metric}</code>
                    </td>
                    <td>{e.service}</td>
                    <td>{e.value}</td>
                    <td>
                      <a href={`#/traces/${e.traceId}?span=${e.spanId}`}>{shortId(e.spanId)}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </>
  )
}
