// The order's journey as the tracking pipeline records it (`GET /orders/:key/journey`), live: every
// hop with its state (stalled when a started hop went quiet, redelivered when a worker died), its
// own latency, the time it waited in the queue, its worker and heartbeats.
import { usePoll } from '../hooks.ts'
import { formatClock, formatDuration } from '../lib/format.ts'
import type { HopView, JourneyView } from '../lib/types.ts'

/** The service that works each hop. */
const HOP_SERVICE: Record<string, string> = {
  accepted: 'reception',
  enriched: 'enrichment',
  baked: 'baker',
  boxed: 'response-builder',
}

const clock = (iso: string | null) => (iso ? formatClock(Date.parse(iso)) : '')
const took = (value: number | null) => (value === null ? '' : formatDuration(value))

function HopRow({ hop }: { hop: HopView }) {
  return (
    <tr data-hop={hop.hop} data-state={hop.state}>
      <td>
        {hop.hop} <span class="muted small">({HOP_SERVICE[hop.hop] ?? hop.hop})</span>
      </td>
      <td>
        <span class={`badge hop-${hop.state}`} data-testid="hop-state">
          {hop.state}
        </span>
        {hop.redelivered && (
          <span
            class="badge hop-redelivered"
            title="the message was delivered again: a worker died or failed"
          >
            redelivered
          </span>
        )}
      </td>
      <td>{clock(hop.start)}</td>
      <td>{took(hop.latencyMs)}</td>
      <td>{took(hop.queuedMs)}</td>
      <td data-testid="hop-heartbeats">
        {hop.heartbeats}
        {hop.lastHeartbeat && <span class="muted small"> · last {clock(hop.lastHeartbeat)}</span>}
      </td>
      <td>
        <code class="small">{hop.worker ?? ''}</code>
      </td>
    </tr>
  )
}

export function OrderJourney({ orderKey }: { orderKey: string }) {
  const journey = usePoll<JourneyView>(
    `/api/svc/reception/orders/${encodeURIComponent(orderKey)}/journey`,
    1000,
  )
  if (journey.error && !journey.data) {
    return (
      <section class="card" aria-labelledby="journey-title">
        <h2 id="journey-title">Journey</h2>
        <p class="muted">No journey for this order ({journey.error}); the tracking pipeline may be off.</p>
      </section>
    )
  }
  const view = journey.data
  if (!view) return null
  return (
    <section class="card" aria-labelledby="journey-title">
      <h2 id="journey-title">
        Journey{' '}
        <span class={`badge journey-${view.status}`} data-testid="journey-status">
          {view.status}
        </span>
        {view.totalMs !== null && <span class="muted small"> · {formatDuration(view.totalMs)} so far</span>}
      </h2>
      <table data-testid="journey-table">
        <thead>
          <tr>
            <th scope="col">Hop</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
            <th scope="col">Latency</th>
            <th scope="col">Queued</th>
            <th scope="col">Heartbeats</th>
            <th scope="col">Worker</th>
          </tr>
        </thead>
        <tbody>
          {view.hops.map((hop) => (
            <HopRow key={hop.hop} hop={hop} />
          ))}
        </tbody>
      </table>
      <p class="muted small">
        Latency: the hop's own work. Queued: from the previous hop's end to this hop's start. A hop whose
        heartbeats stop shows <em>stalled</em>; its message goes to another worker (<em>redelivered</em>).
      </p>
    </section>
  )
}
