import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { usePoll } from '../hooks.ts'
import { formatDuration } from '../lib/format.ts'
import { ORDER_STEPS, stepState } from '../lib/journey.ts'
import type { Order, TraceSummary } from '../lib/types.ts'
import { OrderJourney } from './order-journey.tsx'

/** The traces that carry this order's key (the request's, then each consumer's), oldest first. */
function useOrderTraces(orderKey: string, refresh: string): TraceSummary[] {
  const [traces, setTraces] = useState<TraceSummary[]>([])
  useEffect(() => {
    let live = true
    const q = new URLSearchParams({
      attribute: `bakery.order_key=${orderKey}`,
      limit: '20',
      singleSpan: 'true',
    })
    api<{ traces: TraceSummary[] }>(`/api/traces?${q}`)
      .then(({ traces: found }) => {
        if (live) setTraces([...found].sort((a, b) => a.startTimeMs - b.startTimeMs))
      })
      .catch(() => {})
    return () => {
      live = false
    }
  }, [orderKey, refresh])
  return traces
}

export function OrderPage({ orderKey }: { orderKey: string }) {
  const order = usePoll<Order>(`/api/svc/reception/orders/${encodeURIComponent(orderKey)}`, 1000)
  const status = order.data?.status ?? ''
  const traces = useOrderTraces(orderKey, status)
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
      <OrderJourney orderKey={orderKey} />
    </>
  )
}
