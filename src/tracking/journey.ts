// The order journey: which hops a tracked request passes, the record fields each hop writes,
// and the view `GET /orders/:key/journey` returns. Timestamps are epoch milliseconds with
// microsecond decimals so hop latencies add up to the total without rounding drift.
import { HOPS, type Hop, type HopState, type HopView, type JourneyView } from './journey-view.ts'
import type { Fields } from './store/index.ts'

export { HOPS, type Hop, type HopState, type HopView, type JourneyView }

/** Record field names. */
export const field = {
  start: (hop: Hop) => `${hop}.start`,
  end: (hop: Hop) => `${hop}.end`,
  worker: (hop: Hop) => `${hop}.worker`,
  beats: (hop: Hop) => `${hop}.beats`,
  beat: (hop: Hop) => `${hop}.beat`,
  /** Set when the hop's message was delivered again (a worker died or failed). */
  redelivered: (hop: Hop) => `${hop}.redelivered`,
  done: 'done',
  response: 'response',
} as const

/** Wall-clock epoch ms with sub-millisecond precision. */
export function nowMs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000
}

const ms = (value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}
const iso = (value: number | undefined) => (value === undefined ? null : new Date(value).toISOString())
const round = (value: number) => Math.round(value * 1000) / 1000

export function journeyView(
  orderKey: string,
  fields: Fields,
  now: number,
  stallAfterMs: number,
): JourneyView {
  let previousEnd: number | undefined
  let first: number | undefined
  let last: number | undefined
  const hops = HOPS.map((hop): HopView => {
    const start = ms(fields[field.start(hop)])
    const end = ms(fields[field.end(hop)])
    const beat = ms(fields[field.beat(hop)])
    let state: HopState = 'pending'
    if (end !== undefined) state = 'done'
    else if (start !== undefined)
      state = now - Math.max(start, beat ?? start) > stallAfterMs ? 'stalled' : 'working'
    const view: HopView = {
      hop,
      state,
      start: iso(start),
      end: iso(end),
      latencyMs: start !== undefined && end !== undefined ? round(end - start) : null,
      queuedMs: start !== undefined && previousEnd !== undefined ? round(start - previousEnd) : null,
      worker: fields[field.worker(hop)] ?? null,
      heartbeats: Number(fields[field.beats(hop)] ?? 0),
      lastHeartbeat: iso(beat),
      redelivered: fields[field.redelivered(hop)] === 'true',
    }
    if (start !== undefined) first ??= start
    if (end !== undefined) last = end
    previousEnd = end
    return view
  })
  const finished = fields[field.done] !== undefined
  const stalled = hops.some((h) => h.state === 'stalled')
  return {
    orderKey,
    status: finished ? 'finished' : stalled ? 'stalled' : 'in-progress',
    hops,
    totalMs: first !== undefined && last !== undefined ? round(last - first) : null,
    start: iso(first),
    end: finished ? iso(last) : null,
  }
}
