// What one request of each API looks like and when its reply counts as accepted. The contracts are
// those of SPEC.md: bakery orders (:8000), coffee orders (:8080), album pages (:9080) and stream
// events (:9998).
import { PASTRIES } from '../bakery/orders/menu.ts'

/** The menu the reception accepts: the seed's seven pastries (bakery `fd764cb`). */
export const SEED_PASTRIES: readonly string[] = PASTRIES

/** The k6 script's customers first; a few more so the mix is not only four names. */
export const CUSTOMERS = ['homer', 'fry', 'tuca', 'bertie', 'marge', 'leela', 'speckle', 'bender'] as const

export const COFFEES = ['cappuccino', 'espresso', 'latte'] as const
export const SIZES = ['small', 'medium', 'large'] as const

export const TARGET_NAMES = ['orders', 'coffee', 'albums', 'events'] as const
export type TargetName = (typeof TARGET_NAMES)[number]

export interface LoadRequest {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly body?: string
  readonly contentType?: string
  /** What was ordered, to check the order later (orders only). */
  readonly order?: { readonly customer: string; readonly pastry: string }
}

export type Verdict =
  | { readonly ok: true; readonly key?: string }
  | { readonly ok: false; readonly error: string }

export interface Target {
  readonly name: TargetName
  /** The port the seed served this API on. */
  readonly defaultPort: number
  /** True when accepted requests can be followed to completion (GET /orders/:key). */
  readonly tracks: boolean
  next(random: () => number): LoadRequest
  check(status: number, body: string, headers: Record<string, string | string[] | undefined>): Verdict
}

export interface TargetOptions {
  /** albums: page size of GET /albums; events: events per POST. */
  readonly batch?: number
}

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T

const ORDER_KEY = /^[0-9a-f]{32}$/

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const ordersTarget: Target = {
  name: 'orders',
  defaultPort: 8000,
  tracks: true,
  next(random) {
    const customer = pick(CUSTOMERS, random)
    const pastry = pick(SEED_PASTRIES, random)
    return {
      method: 'POST',
      path: '/orders',
      contentType: 'application/json',
      body: JSON.stringify({ customer, pastry }),
      order: { customer, pastry },
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

const coffeeTarget: Target = {
  name: 'coffee',
  defaultPort: 8080,
  tracks: false,
  next(random) {
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
      type: pick(COFFEES, random),
      size: pick(SIZES, random),
    }))
    return {
      method: 'POST',
      path: '/orders',
      contentType: 'application/json',
      body: JSON.stringify({ name: pick(CUSTOMERS, random), items }),
    }
  },
  check(status, _body, headers) {
    if (status !== 201) return { ok: false, error: String(status) }
    return typeof headers.location === 'string' ? { ok: true } : { ok: false, error: '201 without Location' }
  },
}

function albumsTarget(pageSize: number): Target {
  return {
    name: 'albums',
    defaultPort: 9080,
    tracks: false,
    next: () => ({ method: 'GET', path: `/albums?limit=${pageSize}` }),
    check(status, body) {
      if (status !== 200) return { ok: false, error: String(status) }
      return body.startsWith('[') ? { ok: true } : { ok: false, error: '200 without an array' }
    },
  }
}

function eventsTarget(batch: number): Target {
  return {
    name: 'events',
    defaultPort: 9998,
    tracks: false,
    next(random) {
      const now = Date.now()
      // The producer's format: time in unix ms, amount a JSON string in [0, 10).
      const events = Array.from({ length: batch }, () => ({ time: now, amount: String(random() * 10) }))
      return { method: 'POST', path: '/', contentType: 'application/json', body: JSON.stringify(events) }
    },
    check(status) {
      return status === 200 ? { ok: true } : { ok: false, error: String(status) }
    },
  }
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

export function isTargetName(value: string): value is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(value)
}
