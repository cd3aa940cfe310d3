// The load targets: bakery orders (:8000, followed to `finished`), coffee orders (:8080, followed
// to `ready`), album pages (:9080, each user walking the catalogue) and stream events (:9998), as
// docs/bakery.md, coffee.md, albums.md and stream.md describe their APIs.
import { PASTRIES } from '../bakery/orders/contract.ts'
import { albumsTarget } from './album-walk.ts'
import { coffeeTarget } from './coffee-target.ts'
import {
  CUSTOMERS,
  type Follow,
  parseJson,
  pick,
  type Target,
  type TargetName,
  type TargetUser,
} from './target.ts'

/** The menu the reception accepts: the seed's seven pastries (bakery `fd764cb`). */
export const SEED_PASTRIES: readonly string[] = PASTRIES

export interface TargetOptions {
  /** albums: page size of GET /albums; events: events per POST. */
  readonly batch?: number
}

const ORDER_KEY = /^[0-9a-f]{32}$/

/** GET /orders/:key until `finished`; end to end from the order's orderTime to its finishedTime. */
const ordersFollow: Follow = {
  doneLabel: 'finished',
  path: (key) => `/orders/${key}`,
  statuses: ['pending', 'baking', 'finished'],
  done: 'finished',
  declined: [],
  startField: 'orderTime',
  endField: 'finishedTime',
  matches: (body, expected) => body.customer === expected.customer && body.pastry === expected.pastry,
}

const ordersUser: TargetUser = {
  next(random) {
    const customer = pick(CUSTOMERS, random)
    const pastry = pick(SEED_PASTRIES, random)
    return {
      method: 'POST',
      path: '/orders',
      contentType: 'application/json',
      body: JSON.stringify({ customer, pastry }),
      expect: { customer, pastry },
    }
  },
  check(status, body) {
    if (status !== 202) return { ok: false, error: String(status) }
    const key = (parseJson(body) as { orderKey?: unknown } | undefined)?.orderKey
    if (typeof key !== 'string' || !ORDER_KEY.test(key))
      return { ok: false, error: '202 without an orderKey' }
    return { ok: true, key }
  },
}

const ordersTarget: Target = {
  name: 'orders',
  defaultPort: 8000,
  follow: ordersFollow,
  unit: null,
  user: () => ordersUser,
}

function eventsTarget(batch: number): Target {
  const user: TargetUser = {
    next(random) {
      const now = Date.now()
      // The producer's format: time in unix ms, amount a JSON string in [0, 10).
      const events = Array.from({ length: batch }, () => ({ time: now, amount: String(random() * 10) }))
      return { method: 'POST', path: '/', contentType: 'application/json', body: JSON.stringify(events) }
    },
    check: (status) => (status === 200 ? { ok: true, items: batch } : { ok: false, error: String(status) }),
  }
  return { name: 'events', defaultPort: 9998, follow: null, unit: 'events', user: () => user }
}

export function createTarget(name: TargetName, options: TargetOptions = {}): Target {
  switch (name) {
    case 'orders':
      return ordersTarget
    case 'coffee':
      return coffeeTarget
    case 'albums':
      return albumsTarget(options.batch ?? 100)
    case 'events':
      return eventsTarget(options.batch ?? 10)
  }
}
