// The order journey's settings: the tracking store and the hops.

import type { OrderFlowConfig } from '../bakery/orders/contract.ts'
import { type ConfigOf, flag, integer, text } from '../platform/config/fields.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'

export const trackingSettings = {
  orderJourney: flag('BAKERY_ORDER_JOURNEY', true, {
    doc: 'Orders are tracked through the journey: the reception records each one, enrichment (when it runs) joins the order flow before the baker, the baker hands journey orders to the response-builder (orders.baked). false: no journey records, the hops stay idle, orders go straight to the baker',
  }),
  trackingPrefix: text('BAKERY_TRACKING_PREFIX', 'bakery:journey:', {
    maxLength: 200,
    doc: 'Redis key prefix of the tracking records, so deployments can share one Redis',
  }),
  trackingTtlSeconds: integer('BAKERY_TRACKING_TTL_SECONDS', 86400, {
    min: 1,
    max: 2592000,
    doc: 'How long a tracking record (an order journey) is kept',
  }),
  heartbeatMs: integer('BAKERY_HEARTBEAT_MS', 1000, {
    min: 10,
    max: 600000,
    doc: 'Heartbeat interval of a tracking hop while it works',
  }),
  stallAfterMs: integer('BAKERY_STALL_AFTER_MS', 5000, {
    min: 20,
    max: 3600000,
    doc: 'Silence after which a hop that started and has not ended counts as stalled',
  }),
  trackingTimeoutMs: integer('BAKERY_TRACKING_TIMEOUT_MS', 5000, {
    min: 10,
    max: 60000,
    doc: "Time limit of the bakery reception's calls to the tracking store in Redis (accepted hop, journey reads); each one over it counts against the tracking-store breaker",
  }),
  hopPrefetch: integer('BAKERY_HOP_PREFETCH', 200, {
    min: 1,
    max: 10000,
    doc: 'Messages each tracking hop (enrichment, response-builder) works on at once',
  }),
} as const

export const preferWaitSettings = {
  maxPreferWaits: integer('BAKERY_MAX_PREFER_WAITS', 1000, {
    min: 1,
    max: 100000,
    doc: 'POST /orders requests with Prefer: wait one reception holds at once; 503 with Retry-After beyond',
  }),
} as const

export const trackingSchema = { ...trackingSettings, ...preferWaitSettings } as const

export type TrackingConfig = ConfigOf<typeof trackingSchema>
/**
 * What a tracking service receives: the platform's settings, the journey's own, and the bakery
 * settings its order contract names (the orders queue the hops bind to, the baker's mistake rate).
 */
export type TrackingDeps = ServiceDeps<TrackingConfig & OrderFlowConfig>
