import { useState } from 'preact/hooks'
import { usePoll } from '../hooks.ts'
import { type Board, buildBoard, type CoffeeOrder } from '../lib/coffee.ts'

interface Menu {
  coffees: { id: number; name: string; price: number }[]
  sizes: Record<string, number>
}

/** Orders on the board: the newest page of the reception's list. */
const BOARD_SIZE = 50

function OrderCard({ order }: { order: CoffeeOrder }) {
  return (
    <li class="ticket" data-testid={`coffee-${order.id}`}>
      <strong>{order.customer_name}</strong> <span class="muted small">{order.total.toFixed(2)}</span>
      <ul class="plain small">
        {order.items.map((item, i) => (
          <li key={`${item.type}${i}`}>
            {item.size} {item.type} <span class="muted">· {item.state}</span>
            {item.barista && <span class="muted"> · {item.barista}</span>}
          </li>
        ))}
      </ul>
    </li>
  )
}

function Column({ title, orders, id }: { title: string; orders: CoffeeOrder[]; id: keyof Board }) {
  return (
    <section class={`card column col-${id}`} aria-labelledby={`col-${id}`}>
      <h2 id={`col-${id}`}>
        {title} <span class="badge">{orders.length}</span>
      </h2>
      <ul class="plain tickets" data-testid={`column-${id}`}>
        {orders.map((o) => (
          <OrderCard key={o.id} order={o} />
        ))}
      </ul>
    </section>
  )
}

/** The newest coffee orders, from the reception's list (GET /orders), on a ready board. */
export function CoffeePage() {
  const menu = usePoll<Menu>('/api/svc/coffee/coffees', 0)
  const [placed, setPlaced] = useState(0)
  // `placed` in the path re-polls at once after an order placed here.
  const list = usePoll<CoffeeOrder[]>(`/api/svc/coffee/orders?limit=${BOARD_SIZE}&_=${placed}`, 1000)
  const orders = list.data ?? []
  const [name, setName] = useState('Ann')
  const [type, setType] = useState('espresso')
  const [size, setSize] = useState('small')
  const [error, setError] = useState<string>()

  const submit = async (event: Event) => {
    event.preventDefault()
    setError(undefined)
    const res = await fetch('/api/svc/coffee/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, items: [{ type, size }] }),
    })
    if (res.status !== 201) {
      const body = await res.json().catch(() => ({}))
      setError((body as { message?: string }).message ?? `${res.status} ${res.statusText}`)
      return
    }
    setPlaced((n) => n + 1)
  }

  const board = buildBoard(orders)
  return (
    <>
      <h1>Coffee shop</h1>
      {menu.error && <p class="error">{menu.error}</p>}
      {list.error && <p class="error">{list.error}</p>}
      <form class="card search" onSubmit={submit} aria-label="Order a coffee">
        <label>
          Name
          <input
            name="name"
            required
            maxLength={100}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label>
          Coffee
          <select name="type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {(menu.data?.coffees ?? []).map((c) => (
              <option key={c.id} value={c.name}>
                {c.name} ({c.price.toFixed(2)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Size
          <select name="size" value={size} onChange={(e) => setSize(e.currentTarget.value)}>
            {Object.keys(menu.data?.sizes ?? { small: 0, medium: 0, large: 0 }).map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <button type="submit">Order coffee</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="grid four">
        <Column id="waiting" title="Awaiting payment" orders={board.waiting} />
        <Column id="brewing" title="Brewing" orders={board.brewing} />
        <Column id="ready" title="Ready" orders={board.ready} />
        <Column id="declined" title="Declined" orders={board.declined} />
      </div>
    </>
  )
}
