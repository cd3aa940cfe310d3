// Shapes of the dashboard API (src/dashboard), as the browser receives them. Where the server
// declares the shape, it is imported (types only, nothing of the server is bundled), so the two
// cannot drift apart.

import type { OrderFlow as ServerOrderFlow } from '../../../src/dashboard/order-flow.ts'
import type { LinkedFrom } from '../../../src/dashboard/trace-routes.ts'
import type { StoredSpan, TraceSummary } from '../../../src/platform/telemetry/span-store.ts'

export type { Percentiles } from '../../../src/dashboard/order-flow.ts'
export type { AttributeValue, TraceSummary } from '../../../src/platform/telemetry/span-store.ts'
export type { LinkedFrom }

/** What JSON makes of a server record: a property that may be undefined is left out. */
type Json<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>
}

export type Span = Json<StoredSpan>

export interface TraceDetail {
  traceId: string
  spans: Span[]
  linkedFrom: LinkedFrom[]
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

export interface Order {
  pastry: string
  customer: string
  orderTime: string
  status: string
  finishedTime?: string
}

export interface LogLine {
  run: number
  timeMs: number
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'
  service: string
  message: string
  traceId: string | null
  spanId: string | null
  orderKey: string | null
  attributes: Record<string, unknown>
}

export interface RunInfo {
  id: number
  startedMs: number
  endedMs: number | null
  source: 'live' | 'import'
  label: string
  spans: number
  logs: number
  snapshots: number
}

export interface ExemplarRecord {
  run: number
  timeMs: number
  service: string
  metric: string
  value: number
  traceId: string
  spanId: string
  orderKey: string | null
}

export interface OrderSignals {
  orderKey: string
  traces: (TraceSummary & { linked: boolean })[]
  logs: LogLine[]
  journey: { available: boolean; view?: { status?: string; hops?: JourneyHopView[] }; reason?: string }
  exemplars: ExemplarRecord[]
}

export interface JourneyHopView {
  hop: string
  state: string
  start?: string | null
  end?: string | null
  latencyMs?: number | null
  worker?: string | null
}
