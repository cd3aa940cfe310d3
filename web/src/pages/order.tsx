import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { usePoll } from '../hooks.ts'
import { formatClock, formatDuration, shortId } from '../lib/format.ts'
import { buildJourney, ORDER_STEPS, stepState } from '../lib/journey.ts'
import type { Order, Span, TraceDetail, TraceSummary } from '../lib/types.ts'

/** All spans of the traces that carry this order's key (producer and consumer traces). */
function useOrderSpans(orderKey: string, refresh: string): { traces: TraceSummary[]; spans: Span[] } {
  const [state, setState] = useState<{ traces: TraceSummary[]; spans: Span[] }>({ traces: [], spans: [] })
  useEffect(() => {
    let live = true
    const load = async () => {
      const q = new URLSearchParams({ attribute: `bakery.order_key=${orderKey}`, limit: '20' })
      const { traces } = await api<{ traces: TraceSummary[] }>(`/api/traces?${q}`)
      const details = await Promise.all(traces.map((t) => api<TraceDetail>(`/api/traces/${t.traceId}`)))
      if (live) setState({ traces, spans: details.flatMap((d) => d.spans) })
    }
    load().catch(() => {})
    return () => {
      live = false
    }
  }, [orderKey, refresh])
  return state
}

export function OrderPage({ orderKey }: { orderKey: string }) {
  const order = usePoll<Order>(`/api/svc/reception/orders/${encodeURIComponent(orderKey)}`, 1000)
  const status = order.data?.status ?? ''
  const { traces, spans } = useOrderSpans(orderKey, status)
  const journey = buildJourney(spans)
  return (
    <>
      <p>
        <a href="#/orders">← Orders</a>
      </p>
      <h1>
        Order <code>{orderKey}</code>
      </h1>
      {order.error && (
        <p class="error" role="alert">
          {order.error}
        </p>
      )}
      {order.data && (
        <div class="grid two">
          <section class="card" aria-labelledby="order-title">
            <h2 id="order-title">
              {order.data.pastry} for {order.data.customer}
            </h2>
            <ol class="steps" aria-label="Order status">
              {ORDER_STEPS.map((step) => (
                <li
                  key={step}
                  class={stepState(status, step)}
                  aria-current={status === step ? 'step' : undefined}
                >
                  {step}
                </li>
              ))}
            </ol>
            <p>
              Status: <strong data-testid="order-status">{status}</strong>
            </p>
            <p class="muted small">
              Ordered at {order.data.orderTime}
              {order.data.finishedTime && (
                <>
                  {' '}
                  · finished after{' '}
                  <strong data-testid="order-took">
                    {formatDuration(Date.parse(order.data.finishedTime) - Date.parse(order.data.orderTime))}
                  </strong>
                </>
              )}
            </p>
          </section>
          <section class="card" aria-labelledby="traces-title">
            <h2 id="traces-title">Linked traces</h2>
            {traces.length === 0 ? (
              <p class="muted">No traces with this order key yet.</p>
            ) : (
              <ul class="plain">
                {traces.map((t) => (
                  <li key={t.traceId}>
                    <a href={`#/traces/${t.traceId}`} data-testid="order-trace">
                      {t.rootName}
                    </a>{' '}
                    <span class="muted">
                      {t.services.join(', ')} · {t.spanCount} spans · {formatDuration(t.durationMs)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
      {journey.length > 0 && (
        <section class="card" aria-labelledby="journey-title">
          <h2 id="journey-title">Journey</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Hop</th>
                <th scope="col">Service</th>
                <th scope="col">Took</th>
                <th scope="col">Since previous</th>
              </tr>
            </thead>
            <tbody>
              {journey.map((h) => (
                <tr key={h.spanId}>
                  <td>{formatClock(h.atMs)}</td>
                  <td>
                    <a href={`#/traces/${h.traceId}?span=${h.spanId}`}>{h.label}</a>
                  </td>
                  <td>{h.service}</td>
                  <td>{formatDuration(h.durationMs)}</td>
                  <td>{h.sincePreviousMs === null ? '' : `+${formatDuration(h.sincePreviousMs)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">Trace ids: {traces.map((t) => shortId(t.traceId)).join(', ')}</p>
        </section>
      )}
    </>
  )
}
