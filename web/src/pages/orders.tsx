import { useMemo, useState } from 'preact/hooks'
// The reception's menu, so the form offers exactly what it accepts. The browser imports server
// code as types only: the list is repeated here, and the type check fails if it misses a pastry.
import type { Pastry } from '../../../src/bakery/orders/contract.ts'
import { postJson } from '../api.ts'
import { Chart } from '../chart.tsx'
import { usePoll } from '../hooks.ts'
import { formatDuration } from '../lib/format.ts'
import type { OrderFlow, Percentiles } from '../lib/types.ts'
import { RecentOrders } from './recent-orders.tsx'

const PASTRIES = [
  'croissant',
  'kouign-amann',
  'la bombe',
  'escargot',
  'almond croissant',
  'profiterole',
  'caramel tart',
] as const satisfies readonly Pastry[]
/** Never, as long as PASTRIES lists every pastry of the menu. */
type Unlisted = Exclude<Pastry, (typeof PASTRIES)[number]>
const everyPastryListed: [Unlisted] extends [never] ? true : never = true
void everyPastryListed

const FLOW_SERIES = [
  { label: 'accepted/s', stroke: '#7a4b12' },
  { label: 'baking/s', stroke: '#d08a1f' },
  { label: 'finished/s', stroke: '#2f7d4a' },
]

function PercentileCard({ title, p }: { title: string; p: Percentiles | undefined }) {
  return (
    <section class="card stat" aria-label={title}>
      <h3>{title}</h3>
      <dl class="pct">
        <dt>p50</dt>
        <dd>{formatDuration(p?.p50)}</dd>
        <dt>p90</dt>
        <dd>{formatDuration(p?.p90)}</dd>
        <dt>p99</dt>
        <dd>{formatDuration(p?.p99)}</dd>
      </dl>
      <p class="muted small">
        {p?.count ?? 0} {p?.count === 1 ? 'order' : 'orders'} in the last minute
      </p>
    </section>
  )
}

function PlaceOrder({ onPlaced }: { onPlaced: (key: string) => void }) {
  const [customer, setCustomer] = useState('homer')
  const [pastry, setPastry] = useState('la bombe')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const { orderKey } = await postJson<{ orderKey: string }>('/api/svc/reception/orders', {
        customer,
        pastry,
      })
      onPlaced(orderKey)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="place-title">
      <h2 id="place-title">Place an order</h2>
      <label>
        Customer
        <input
          name="customer"
          required
          maxLength={100}
          value={customer}
          onInput={(e) => setCustomer(e.currentTarget.value)}
        />
      </label>
      <label>
        Pastry
        <select name="pastry" value={pastry} onChange={(e) => setPastry(e.currentTarget.value)}>
          {PASTRIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Ordering…' : 'Order'}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}

export function OrdersPage() {
  const flow = usePoll<OrderFlow>('/api/order-flow', 1000)
  const data = useMemo(() => {
    const f = flow.data
    if (!f?.available) return undefined
    return [f.seconds, f.accepted, f.baking, f.finished] as [number[], number[], number[], number[]]
  }, [flow.data])
  return (
    <>
      <h1>Orders</h1>
      {flow.error && <p class="error">Order flow unavailable: {flow.error}</p>}
      <div class="grid">
        <section class="card wide" aria-labelledby="flow-title">
          <h2 id="flow-title">Order flow, last 60 s</h2>
          {data ? (
            <Chart
              title="Orders accepted, baking and finished per second"
              series={FLOW_SERIES}
              data={data}
              yLabel="orders/s"
            />
          ) : (
            <p class="muted">Order flow is read from the traces; the span store is off.</p>
          )}
        </section>
        <section class="card stat" aria-label="Waiting on the queue">
          <h3>On the queue</h3>
          <p class="big" data-testid="waiting">
            {flow.data?.waiting ?? '–'}
          </p>
          <p class="muted small">published, not yet taken by a baker</p>
        </section>
        <PercentileCard title="Time on queue" p={flow.data?.timeOnQueueMs} />
        <PercentileCard title="Time to completion" p={flow.data?.completionMs} />
      </div>
      <div class="grid side">
        <PlaceOrder
          onPlaced={(key) => {
            location.hash = `#/orders/${key}`
          }}
        />
        <RecentOrders />
      </div>
    </>
  )
}
