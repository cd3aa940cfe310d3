import { useEffect, useMemo, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { Chart } from '../chart.tsx'
import { formatClock } from '../lib/format.ts'
import { type CountPoint, mergePoints, splitOpenBucket, toChartData, totals } from '../lib/stream.ts'

const WINDOW_MS = 600_000
/** The aggregator's default bucket (GET /api without a bucket parameter). */
const BUCKET_MS = 10_000
// The colours of the original stream demo's (the stream seed's) web UI.
const SERIES = [
  { label: 'Low', stroke: '#ED6D85' },
  { label: 'High', stroke: '#57A0E5' },
]

interface AggregatorAnswer {
  message: string
  points: CountPoint[] | null
}

/** The stream pipeline's low/high counts: one load of the 10-minute window, then live buckets over SSE. */
export function StreamPage() {
  const [points, setPoints] = useState<CountPoint[]>([])
  const [message, setMessage] = useState<string | undefined>()
  const [live, setLive] = useState<'connecting' | 'live' | 'reconnecting'>('connecting')
  const [updated, setUpdated] = useState<number | undefined>()

  useEffect(() => {
    let closed = false
    const load = async () => {
      try {
        const answer = await api<AggregatorAnswer>('/api/svc/aggregator/api')
        if (closed) return
        setMessage(answer.message === 'ok' ? undefined : answer.message)
        setPoints((current) => mergePoints(current, answer.points ?? [], Date.now(), WINDOW_MS))
        setUpdated(Date.now())
      } catch (error) {
        if (!closed) setMessage((error as Error).message)
      }
    }
    void load()
    const events = new EventSource('/api/svc/aggregator/api/stream')
    events.onopen = () => {
      setLive('live')
      // After a reconnect, fill whatever buckets closed while the stream was down.
      void load()
    }
    events.onerror = () => setLive('reconnecting')
    events.addEventListener('bucket', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { points: CountPoint[] | null }
      setPoints((current) => mergePoints(current, data.points ?? [], Date.now(), WINDOW_MS))
      setUpdated(Date.now())
    })
    return () => {
      closed = true
      events.close()
    }
  }, [])

  // The bucket still filling is left out of the chart (a partial count reads as an outage) and
  // shown beside it; `updated` changes with every SSE message, so it moves over once it closes.
  const { closed, open } = useMemo(
    () => splitOpenBucket(points, updated ?? Date.now(), BUCKET_MS),
    [points, updated],
  )
  const data = useMemo(() => toChartData(closed), [closed])
  const openRow = toChartData(open)
  const openStart = open[0]?.time
  const sum = totals(points)
  return (
    <>
      <h1>Stream</h1>
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      <section class="card" aria-labelledby="stream-title">
        <h2 id="stream-title">
          Events per 10 s bucket, last 10 minutes{' '}
          <span class={`badge live-${live}`} data-testid="stream-live">
            {live}
          </span>
        </h2>
        <div
          data-testid="stream-chart"
          data-last-bucket={data[0].length ? String(data[0][data[0].length - 1]) : ''}
        >
          <Chart
            title="Low and high event counts per 10-second bucket"
            series={SERIES}
            data={data}
            yLabel="events"
            height={280}
          />
        </div>
        <p class="muted small" data-testid="open-bucket">
          {openStart === undefined
            ? 'Closed buckets only.'
            : `The bucket from ${formatClock(openStart)} is still filling (low ${openRow[1][0] ?? 0}, high ${openRow[2][0] ?? 0} so far); it is drawn once it closes.`}
        </p>
      </section>
      <div class="grid three">
        <section class="card stat" aria-label="Low events in the window">
          <h3>Low (≤ 5)</h3>
          <p class="big" style={{ color: '#b8324c' }} data-testid="total-low">
            {sum.low}
          </p>
        </section>
        <section class="card stat" aria-label="High events in the window">
          <h3>High (&gt; 5)</h3>
          <p class="big" style={{ color: '#1f6fb8' }} data-testid="total-high">
            {sum.high}
          </p>
        </section>
        <section class="card stat" aria-label="Last update">
          <h3>Updated</h3>
          <p class="muted">{updated ? formatClock(updated) : '–'}</p>
        </section>
      </div>
      <details class="card">
        <summary>Data table</summary>
        <table data-testid="stream-table">
          <thead>
            <tr>
              <th scope="col">Bucket start</th>
              <th scope="col">Low</th>
              <th scope="col">High</th>
            </tr>
          </thead>
          <tbody>
            {data[0].map((t, i) => (
              <tr key={t} data-time={t * 1000}>
                <td>{formatClock(t * 1000)}</td>
                <td>{data[1][i] ?? ''}</td>
                <td>{data[2][i] ?? ''}</td>
              </tr>
            ))}
            {openRow[0].map((t, i) => (
              <tr key={t} data-time={t * 1000} data-open="true">
                <td>{formatClock(t * 1000)} (still filling)</td>
                <td>{openRow[1][i] ?? ''}</td>
                <td>{openRow[2][i] ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  )
}
