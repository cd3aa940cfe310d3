// Shapes of the dashboard API (src/dashboard), as the browser receives them. Where the server
// declares the shape, it is imported (types only, nothing of the server is bundled), so the two
// cannot drift apart.

import type { OrderFlow as ServerOrderFlow } from '../../../src/dashboard/order-flow.ts'
import type { LinkedFrom, LinkTarget } from '../../../src/dashboard/trace-routes.ts'
import type { StoredSpan, TraceSummary } from '../../../src/platform/telemetry/span-store.ts'
import type { ExemplarRecord, LogRecord } from '../../../src/platform/telemetry/store/rows.ts'
import type { JourneyView } from '../../../src/tracking/journey-view.ts'

export type { Percentiles } from '../../../src/dashboard/order-flow.ts'
export type { AttributeValue, TraceSummary } from '../../../src/platform/telemetry/span-store.ts'
export type { ExemplarRecord, RunInfo } from '../../../src/platform/telemetry/store/rows.ts'
export type { HopView, JourneyView } from '../../../src/tracking/journey-view.ts'
export type { LinkedFrom, LinkTarget }

/** What JSON makes of a server record: a property that may be undefined is left out. */
type Json<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>
}

export type Span = Json<StoredSpan>

export interface TraceDetail {
  traceId: string
  spans: Span[]
  linkedFrom: LinkedFrom[]
  /** The targets of this trace's links, named (absent: an older dashboard). */
  linksTo?: LinkTarget[]
}

/** GET /api/order-flow: `available` is false (and nothing else is sent) without a span store. */
export type OrderFlow = { available: boolean } & ServerOrderFlow

export interface Info {
  traces: {
    embedded: boolean
    spans: number
    capacity: number
    externalUrl: string | null
    /** Where the telemetry store lives (a path or memory:), null without one. */
    store?: string | null
  }
  panels: Record<string, boolean>
}

/** GET /orders/:key of the reception. */
export type { OrderView as Order } from '../../../src/bakery/orders/view.ts'

/** A stored log line as GET /api/logs and the signals answer it. */
export type LogLine = LogRecord

export interface OrderSignals {
  orderKey: string
  traces: (TraceSummary & { linked: boolean })[]
  logs: LogLine[]
  /** The reception's journey answer, passed through (absent or partial when it had none). */
  journey: { available: boolean; view?: Partial<JourneyView>; reason?: string }
  exemplars: ExemplarRecord[]
}
