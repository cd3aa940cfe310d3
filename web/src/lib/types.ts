// Shapes of the dashboard API (src/dashboard), as the browser receives them.
export type AttributeValue = string | number | boolean | readonly (string | number | boolean | null)[]

export interface Span {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer'
  service: string
  startTimeMs: number
  durationMs: number
  status: 'unset' | 'ok' | 'error'
  statusMessage?: string
  attributes: Record<string, AttributeValue>
  events: { name: string; timeMs: number; attributes: Record<string, AttributeValue> }[]
  links: { traceId: string; spanId: string; attributes: Record<string, AttributeValue> }[]
}

export interface TraceSummary {
  traceId: string
  rootName: string
  rootService: string
  startTimeMs: number
  durationMs: number
  spanCount: number
  services: string[]
  error: boolean
}

export interface LinkedFrom {
  traceId: string
  spanId: string
  name: string
  service: string
  targetSpanId: string
}

export interface TraceDetail {
  traceId: string
  spans: Span[]
  linkedFrom: LinkedFrom[]
}

export interface Percentiles {
  count: number
  p50: number | null
  p90: number | null
  p99: number | null
  max: number | null
}

export interface OrderFlow {
  available: boolean
  seconds: number[]
  accepted: number[]
  baking: number[]
  finished: number[]
  waiting: number
  timeOnQueueMs: Percentiles
  completionMs: Percentiles
}

export interface Info {
  traces: { embedded: boolean; spans: number; capacity: number; externalUrl: string | null }
  panels: Record<string, boolean>
}

export interface Order {
  pastry: string
  customer: string
  orderTime: string
  status: string
  finishedTime?: string
}
