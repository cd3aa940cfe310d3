import { useState } from 'preact/hooks'
import { usePoll } from '../hooks.ts'
import { formatDuration } from '../lib/format.ts'
import { pageQuery } from '../lib/paging.ts'
import type { Order } from '../lib/types.ts'

interface OrderPage {
  orders: (Order & { orderKey: string })[]
  nextCursor?: string
}

const STATUSES = ['', 'pending', 'baking', 'finished']

/** The reception's order list (GET /orders, newest first), paged with its cursors. */
export function RecentOrders() {
  const [status, setStatus] = useState('')
  // Cursors of the pages before this one: "Newer" pops, "Older" pushes.
  const [cursors, setCursors] = useState<string[]>([])
  const cursor = cursors.at(-1)
  const page = usePoll<OrderPage>(
    `/api/svc/reception/orders?${pageQuery({ status, cursor, limit: 10 })}`,
    2000,
  )
  return (
    <section class="card" aria-labelledby="recent-title">
      <div class="row-head">
        <h2 id="recent-title">Recent orders</h2>
        <label class="inline">
          Status
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value)
              setCursors([])
            }}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {page.error && <p class="error">{page.error}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Pastry</th>
            <th scope="col">Customer</th>
            <th scope="col">Ordered</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Took
            </th>
          </tr>
        </thead>
        <tbody>
          {page.data?.orders.map((o) => (
            <tr key={o.orderKey}>
              <td>
                <a href={`#/orders/${o.orderKey}`}>
                  <code>{o.orderKey.slice(0, 12)}…</code>
                </a>
              </td>
              <td>{o.pastry}</td>
              <td>{o.customer}</td>
              <td>{new Date(o.orderTime).toLocaleTimeString()}</td>
              <td>
                <span class={`badge status-${o.status}`}>{o.status}</span>
              </td>
              <td class="num">
                {o.finishedTime ? formatDuration(Date.parse(o.finishedTime) - Date.parse(o.orderTime)) : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Order pages">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ← Newer
        </button>
        <span class="muted small">page {cursors.length + 1}</span>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Older →
        </button>
      </nav>
    </section>
  )
}
