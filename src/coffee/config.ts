// The coffee shop's settings: ports, payments calls, the barista and reception protection.
import { type ConfigOf, integer, port, url } from '../platform/config/fields.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'

export const coffeePorts = {
  coffeePort: port('BAKERY_COFFEE_PORT', 8080, 'Coffee shop reception'),
  paymentsPort: port('BAKERY_PAYMENTS_PORT', 8081, 'Payments service'),
} as const

export const coffeeSettings = {
  paymentsUrl: url('BAKERY_PAYMENTS_URL', 'http://127.0.0.1:8081', ['http:', 'https:'], {
    doc: 'Where coffee reception finds the payments service',
  }),
  paymentsTimeoutMs: integer('BAKERY_PAYMENTS_TIMEOUT_MS', 2000, {
    min: 10,
    max: 60000,
    doc: 'Timeout of one call to payments (the resilience policy retries and breaks around it)',
  }),
  baristaPrefetch: integer('BAKERY_BARISTA_PREFETCH', 12, {
    min: 1,
    max: 1000,
    doc: 'Orders a barista process holds at once (its three baristas share them)',
  }),
  coffeeRateLimit: integer('BAKERY_COFFEE_RATE_LIMIT', 1200, {
    min: 0,
    max: 1000000,
    doc: 'POST /orders per client (IP) per minute on coffee reception, 0 = off; shared through Redis when REDIS_URL is redis://',
  }),
  coffeeMaxBacklog: integer('BAKERY_COFFEE_MAX_BACKLOG', 10000, {
    min: 1,
    max: 10000000,
    doc: 'Unpublished outbox rows above which coffee reception answers 503 + Retry-After',
  }),
  maxEventLoopDelayMs: integer('BAKERY_MAX_EVENT_LOOP_DELAY_MS', 1000, {
    min: 0,
    max: 60000,
    doc: 'Event-loop lag above which coffee reception sheds load with 503 + Retry-After, 0 = off',
  }),
} as const

export const coffeeSchema = { ...coffeePorts, ...coffeeSettings } as const

export type CoffeeConfig = ConfigOf<typeof coffeeSchema>
/** What a coffee service receives: the platform's settings and the coffee's own. */
export type CoffeeDeps = ServiceDeps<CoffeeConfig>
