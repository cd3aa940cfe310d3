// An order's journey, read from its spans across the producer and consumer traces: each hop
// with its time and the wait since the previous hop.
import type { Span } from './types.ts'

export interface Hop {
  label: string
  service: string
  atMs: number
  durationMs: number
  /** Time since the previous hop started (the first hop has none). */
  sincePreviousMs: number | null
  traceId: string
  spanId: string
}

// Order of hops that start in the same millisecond: the request, then the pipeline's own order.
const RANK: Record<string, number> = {
  'create-order': 1,
  'publish-order': 2,
  'receive-order': 3,
  'processing-order': 4,
  baking: 5,
}

const HOPS: Record<string, string> = {
  'create-order': 'Order stored',
  'publish-order': 'Published to the queue',
  'receive-order': 'Taken by a baker',
  baking: 'Baking',
  'processing-order': 'Processed',
}

export function buildJourney(spans: readonly Span[]): Hop[] {
  const hops = spans
    .filter((s) => HOPS[s.name] !== undefined || s.kind === 'server')
    .sort((a, b) => a.startTimeMs - b.startTimeMs || (RANK[a.name] ?? 0) - (RANK[b.name] ?? 0))
  return hops.map((s, i) => {
    const previous = hops[i - 1]
    return {
      label: HOPS[s.name] ?? `Request ${s.name}`,
      service: s.service,
      atMs: s.startTimeMs,
      durationMs: s.durationMs,
      sincePreviousMs: previous ? s.startTimeMs - previous.startTimeMs : null,
      traceId: s.traceId,
      spanId: s.spanId,
    }
  })
}

/** The order's status steps, with the current one and those already passed. */
export const ORDER_STEPS = ['pending', 'baking', 'finished'] as const

export function stepState(status: string, step: string): 'done' | 'current' | 'todo' {
  const at = ORDER_STEPS.indexOf(status as (typeof ORDER_STEPS)[number])
  const i = ORDER_STEPS.indexOf(step as (typeof ORDER_STEPS)[number])
  if (at < 0 || i > at) return 'todo'
  return i === at ? (status === 'finished' ? 'done' : 'current') : 'done'
}
