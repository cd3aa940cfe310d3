// The journey as `GET /orders/:key/journey` answers it. Free of imports, so the dashboard's web
// app takes these types from here (`import type`) instead of keeping a copy.

export const HOPS = ['accepted', 'enriched', 'baked', 'boxed'] as const
export type Hop = (typeof HOPS)[number]

export type HopState = 'pending' | 'working' | 'stalled' | 'done'

export interface HopView {
  hop: Hop
  state: HopState
  start: string | null
  end: string | null
  /** end − start: the hop's own work. */
  latencyMs: number | null
  /** start − the previous hop's end: time spent in the queue before this hop. */
  queuedMs: number | null
  worker: string | null
  heartbeats: number
  lastHeartbeat: string | null
  redelivered: boolean
}

export interface JourneyView {
  orderKey: string
  /** finished = finalised by the last hop; stalled = a started hop went quiet. */
  status: 'in-progress' | 'stalled' | 'finished'
  hops: HopView[]
  /** Last end − first start (so far, while in progress). */
  totalMs: number | null
  start: string | null
  end: string | null
}
