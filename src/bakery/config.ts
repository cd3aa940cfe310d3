// The bakery's settings: its reception port, the baker and the orders queue and schema.
import { type ConfigOf, decimal, integer, port, text } from '../platform/config/fields.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'

export const bakeryPorts = {
  receptionPort: port('BAKERY_RECEPTION_PORT', 8000, 'Bakery reception and order journey API'),
} as const

export const bakerySettings = {
  bakerPrefetch: integer('BAKER_PREFETCH', 500, {
    min: 1,
    max: 10000,
    doc: 'Orders one baker process works on at once (unacked messages)',
  }),
  bakerMistakeRate: decimal('BAKER_MISTAKE_RATE', 0.1, {
    min: 0,
    max: 1,
    doc: 'Probability that a bake is a "mistake" and is done again (seed: 0.1)',
  }),
  bakerMaxAttempts: integer('BAKER_MAX_ATTEMPTS', 5, {
    min: 1,
    max: 100,
    doc: 'Attempts per order message before it goes to orders.dead',
  }),
  bakerRetryDelayMs: integer('BAKER_RETRY_DELAY_MS', 200, {
    min: 1,
    max: 60000,
    doc: 'First retry delay of a failed order message (doubles per attempt, capped at 10 s)',
  }),
  ordersQueue: text('BAKERY_ORDERS_QUEUE', 'orders', {
    maxLength: 200,
    doc: 'Queue of the bakery orders (dead letters go to <name>.dead); change it to run several bakeries on one broker',
  }),
  ordersSchema: text('BAKERY_ORDERS_SCHEMA', 'bakery', {
    maxLength: 63,
    doc: 'PostgreSQL schema of the bakery orders and their outbox (lowercase letters, digits, _)',
  }),
} as const

export const bakerySchema = { ...bakeryPorts, ...bakerySettings } as const

export type BakeryConfig = ConfigOf<typeof bakerySchema>
/** What a bakery service receives: the platform's settings and the bakery's own. */
export type BakeryDeps = ServiceDeps<BakeryConfig>
