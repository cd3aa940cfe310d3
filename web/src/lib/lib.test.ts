import { describe, expect, it } from 'vitest'
import { BREAKER_STATE_VALUE, type Breaker, breakerRows, describeBreakerState } from './breakers.ts'
import { buildBoard, type CoffeeOrder } from './coffee.ts'
import { formatDuration, parseAttributeFilter } from './format.ts'
import { buildJourney, stepState } from './journey.ts'
import { nextCursorFromLink, pageQuery } from './paging.ts'
import { mergePoints, toChartData, totals } from './stream.ts'
import type { Span } from './types.ts'
import { buildWaterfall } from './waterfall.ts'

function span(partial: Partial<Span> & Pick<Span, 'spanId' | 'name' | 'startTimeMs' | 'durationMs'>): Span {
  return {
    traceId: 't1',
    kind: 'internal',
    service: 'reception',
    status: 'unset',
    attributes: {},
    events: [],
    links: [],
    ...partial,
  }
}

describe('buildWaterfall', () => {
  it('orders rows depth-first with siblings by start and scales bars to the trace', () => {
    const spans = [
      span({ spanId: 'c2', parentSpanId: 'r', name: 'publish-order', startTimeMs: 1060, durationMs: 20 }),
      span({ spanId: 'r', name: 'POST /orders', startTimeMs: 1000, durationMs: 100 }),
      span({ spanId: 'c1', parentSpanId: 'r', name: 'create-order', startTimeMs: 1010, durationMs: 40 }),
      span({ spanId: 'g', parentSpanId: 'c1', name: 'INSERT', startTimeMs: 1020, durationMs: 10 }),
    ]
    const w = buildWaterfall(spans)
    expect(w.durationMs).toBe(100)
    expect(w.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['r', 0],
      ['c1', 1],
      ['g', 2],
      ['c2', 1],
    ])
    expect(w.rows[3]).toMatchObject({ offsetPct: 60, widthPct: 20 })
  })

  it('shows a span whose parent is not stored as a root', () => {
    const w = buildWaterfall([
      span({ spanId: 'x', parentSpanId: 'gone', name: 'baking', startTimeMs: 5, durationMs: 1 }),
    ])
    expect(w.rows).toHaveLength(1)
    expect(w.rows[0]?.depth).toBe(0)
  })

  it('is empty for no spans', () => {
    expect(buildWaterfall([]).rows).toEqual([])
  })
})

describe('buildJourney', () => {
  it('lists the order hops across traces in time order with the wait between them', () => {
    const hops = buildJourney([
      span({
        spanId: 'b',
        traceId: 't2',
        name: 'receive-order',
        service: 'baker',
        kind: 'consumer',
        startTimeMs: 1050,
        durationMs: 70,
      }),
      span({ spanId: 'a', name: 'publish-order', kind: 'producer', startTimeMs: 1010, durationMs: 2 }),
      span({ spanId: 's', name: 'POST /orders', kind: 'server', startTimeMs: 1000, durationMs: 15 }),
      span({ spanId: 'db', name: 'INSERT', kind: 'client', startTimeMs: 1001, durationMs: 1 }),
    ])
    expect(hops.map((h) => [h.label, h.sincePreviousMs])).toEqual([
      ['Request POST /orders', null],
      ['Published to the queue', 10],
      ['Taken by a baker', 40],
    ])
    expect(hops[2]?.traceId).toBe('t2')
  })

  it('keeps the pipeline order for hops that start in the same millisecond', () => {
    const hops = buildJourney([
      span({ spanId: 'p', name: 'processing-order', startTimeMs: 5, durationMs: 1 }),
      span({ spanId: 'r', name: 'receive-order', kind: 'consumer', startTimeMs: 5, durationMs: 1 }),
    ])
    expect(hops.map((h) => h.spanId)).toEqual(['r', 'p'])
  })
})

describe('stepState', () => {
  it('marks passed steps done and the current one current', () => {
    expect(['pending', 'baking', 'finished'].map((s) => stepState('baking', s))).toEqual([
      'done',
      'current',
      'todo',
    ])
    expect(stepState('finished', 'finished')).toBe('done')
    expect(stepState('unknown', 'pending')).toBe('todo')
  })
})

describe('format', () => {
  it('formats durations at a readable scale', () => {
    expect(formatDuration(0.25)).toBe('250 µs')
    expect(formatDuration(3.456)).toBe('3.5 ms')
    expect(formatDuration(65)).toBe('65 ms')
    expect(formatDuration(1234)).toBe('1.23 s')
    expect(formatDuration(null)).toBe('–')
  })

  it('parses an attribute filter and rejects one without a key', () => {
    expect(parseAttributeFilter('bakery.order_key = ab=c')).toEqual({
      key: 'bakery.order_key',
      value: 'ab=c',
    })
    expect(parseAttributeFilter('=x')).toBeUndefined()
  })
})

describe('pageQuery', () => {
  it('leaves out empty parameters so the service defaults apply', () => {
    expect(pageQuery({ status: '', cursor: undefined, limit: 10 })).toBe('limit=10')
    expect(pageQuery({ status: 'baking', cursor: 'abc=', limit: 5 })).toBe(
      'status=baking&cursor=abc%3D&limit=5',
    )
  })
})

describe('stream points', () => {
  const p = (time: number, count: number, type: 'low' | 'high') => ({ time, count, type })

  it('merges a live bucket over the loaded window and drops buckets that left it', () => {
    const merged = mergePoints(
      [p(0, 1, 'low'), p(10_000, 2, 'low'), p(10_000, 3, 'high')],
      [p(10_000, 5, 'low'), p(20_000, 1, 'high')],
      605_000,
      600_000,
    )
    expect(merged).toEqual([p(10_000, 5, 'low'), p(10_000, 3, 'high'), p(20_000, 1, 'high')])
  })

  it('aligns low and high on one time axis in seconds with gaps as null', () => {
    expect(toChartData([p(20_000, 4, 'high'), p(10_000, 1, 'low'), p(20_000, 2, 'low')])).toEqual([
      [10, 20],
      [1, 2],
      [null, 4],
    ])
    expect(totals([p(0, 1, 'low'), p(0, 2, 'high'), p(1, 3, 'high')])).toEqual({ low: 1, high: 5 })
  })
})

describe('nextCursorFromLink', () => {
  it('reads the next page cursor from a Link header and nothing without rel=next', () => {
    expect(nextCursorFromLink('</albums?limit=10&cursor=MTA%3D>; rel="next"')).toBe('MTA=')
    expect(nextCursorFromLink('</albums?cursor=a>; rel="prev"')).toBeUndefined()
    expect(nextCursorFromLink(null)).toBeUndefined()
  })
})

describe('coffee board and fault form', () => {
  const order = (id: string, status: string, created: string, ready?: string): CoffeeOrder => ({
    id,
    status,
    customer_name: 'Ann',
    total: 3,
    items: [],
    created_at: created,
    ...(ready ? { ready_at: ready } : {}),
  })

  it('puts orders in columns by status, newest first', () => {
    const board = buildBoard([
      order('a', 'ready', '2026-01-01T00:00:01Z', '2026-01-01T00:00:09Z'),
      order('b', 'paid', '2026-01-01T00:00:02Z'),
      order('c', 'awaiting_payment', '2026-01-01T00:00:03Z'),
      order('d', 'ready', '2026-01-01T00:00:04Z', '2026-01-01T00:00:05Z'),
      order('e', 'payment_declined', '2026-01-01T00:00:05Z'),
    ])
    expect(board.ready.map((o) => o.id)).toEqual(['a', 'd'])
    expect(board.brewing.map((o) => o.id)).toEqual(['b'])
    expect(board.waiting.map((o) => o.id)).toEqual(['c'])
    expect(board.declined.map((o) => o.id)).toEqual(['e'])
  })
})

describe('breakers', () => {
  const breaker = (name: string, state: string): Breaker => ({
    name,
    state,
    since: '2026-01-01T00:00:00.000Z',
    failures: 0,
    successes: 0,
    rejected: 0,
    transitions: 0,
  })

  it('lists each service breakers under their service, services in a fixed order, names sorted', () => {
    const rows = breakerRows({
      albums: [breaker('album-store', 'open')],
      coffee: [
        breaker('rate-limit-store', 'closed'),
        breaker('database', 'half-open'),
        breaker('payments', 'closed'),
      ],
    })
    expect(rows.map((r) => r.key)).toEqual([
      'coffee-database',
      'coffee-payments',
      'coffee-rate-limit-store',
      'albums-album-store',
    ])
    expect(rows[3]).toMatchObject({ serviceLabel: 'album proxy', state: 'open' })
  })

  it('describes states with the one encoding of bakery.circuit_breaker.state', () => {
    expect(BREAKER_STATE_VALUE).toEqual({ closed: 0, open: 1, 'half-open': 2, isolated: 3 })
    expect(describeBreakerState('open')).toBe('open (1): failing fast without calling')
    expect(describeBreakerState('half-open')).toBe('half-open (2): letting one trial call through')
    expect(describeBreakerState('weird')).toBe('weird')
  })
})
