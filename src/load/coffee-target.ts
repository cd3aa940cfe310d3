// Coffee orders (seed coffee-shop, :8080): POST /orders answers 201 + `Location: /orders/<uuid>`;
// the order is followed by GET on that Location until `ready` (or `payment_declined`, final too),
// end to end from its own created_at to its ready_at.
import { CUSTOMERS, type Follow, pick, type Target, type TargetUser } from './target.ts'

export const COFFEES = ['cappuccino', 'espresso', 'latte'] as const
export const SIZES = ['small', 'medium', 'large'] as const

/** The reception's order statuses, as GET /orders/:id shows them (src/coffee/reception/store.ts). */
export const COFFEE_STATUSES = ['awaiting_payment', 'payment_declined', 'paid', 'ready'] as const

interface Item {
  readonly type: string
  readonly size: string
}

function sameItems(body: Readonly<Record<string, unknown>>, wanted: readonly Item[]): boolean {
  const items = body.items
  if (!Array.isArray(items) || items.length !== wanted.length) return false
  // A ready order has every item brewed: the per-item state must agree with the order's status.
  const ready = body.status === 'ready'
  return items.every((item: unknown, i) => {
    const got = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
    return (
      got.type === wanted[i]?.type &&
      got.size === wanted[i]?.size &&
      (got.state === 'ready' || (!ready && got.state === 'pending'))
    )
  })
}

const coffeeFollow: Follow = {
  doneLabel: 'ready',
  // The key is the Location the reception returned: followed as given.
  path: (key) => key,
  statuses: COFFEE_STATUSES,
  done: 'ready',
  declined: ['payment_declined'],
  startField: 'created_at',
  endField: 'ready_at',
  matches: (body, expected) =>
    body.customer_name === expected.name && sameItems(body, expected.items as readonly Item[]),
}

/** The path of a Location header (relative, as the reception sends it, or absolute). */
function locationPath(location: string | string[] | undefined): string | undefined {
  if (typeof location !== 'string' || location === '') return undefined
  try {
    const url = new URL(location, 'http://target/orders')
    return url.pathname + url.search
  } catch {
    return undefined
  }
}

const coffeeUser: TargetUser = {
  next(random) {
    const name = pick(CUSTOMERS, random)
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      type: pick(COFFEES, random),
      size: pick(SIZES, random),
    }))
    return {
      method: 'POST',
      path: '/orders',
      contentType: 'application/json',
      body: JSON.stringify({ name, items }),
      expect: { name, items },
    }
  },
  check(status, _body, headers) {
    if (status !== 201) return { ok: false, error: String(status) }
    const key = locationPath(headers.location)
    return key ? { ok: true, key } : { ok: false, error: '201 without Location' }
  },
}

export const coffeeTarget: Target = {
  name: 'coffee',
  defaultPort: 8080,
  follow: coffeeFollow,
  unit: null,
  user: () => coffeeUser,
}
