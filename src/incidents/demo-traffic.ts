// Light, steady traffic so a freshly started stack has something to show on the dashboard and
// incidents have requests to act on: a few orders, coffees, events and album reads per second.
import { type LoadDriver, type LoadEndpoints, startLoadDriver } from './load-driver.ts'
import type { LoadKind } from './model.ts'

export const DEMO_RATES: Readonly<Partial<Record<LoadKind, number>>> = {
  orders: 1,
  coffee: 0.5,
  albums: 1,
  events: 2,
}

/** Ten years: "until stopped" for a driver that counts its ticks. */
const FOREVER_S = 10 * 365 * 24 * 3600

export function startDemoTraffic(endpoints: LoadEndpoints): LoadDriver {
  const load = Object.entries(DEMO_RATES).map(([kind, rate]) => ({
    kind: kind as LoadKind,
    rate: rate ?? 0,
    startS: 1,
    endS: FOREVER_S,
  }))
  return startLoadDriver(load, endpoints, Date.now() & 0x7fffffff)
}
