import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { StoredSpan } from '../span-store.ts'
import { createPersistSampler } from './sampling.ts'

function span(
  traceId: string,
  orderKey: string | undefined,
  status: StoredSpan['status'] = 'unset',
): StoredSpan {
  return {
    traceId,
    spanId: '1',
    parentSpanId: undefined,
    name: 'op',
    kind: 'internal',
    service: 'svc',
    startTimeMs: 0,
    durationMs: 1,
    status,
    statusMessage: undefined,
    attributes: orderKey ? { 'bakery.order_key': orderKey } : {},
    events: [],
    links: [],
  }
}

test('persist sampler writes every span while under its rate', () => {
  let now = 0
  const sampler = createPersistSampler(100, () => now)
  for (let second = 0; second < 3; second++) {
    for (let i = 0; i < 100; i++) assert.ok(sampler.keep(span(`t${second}-${i}`, `o${i}`)))
    now += 1000
  }
  assert.equal(sampler.counters.spansSampledOut, 0)
})

test('persist sampler keeps errors and a bounded share of orders, whole, when over its rate', () => {
  let now = 0
  const sampler = createPersistSampler(100, () => now)
  for (let i = 0; i < 1000; i++) sampler.keep(span(`warm${i}`, `w${i}`))
  now += 1000
  // 1,000 spans a second against a budget of 100: about a tenth of the orders are kept.
  let kept = 0
  for (let i = 0; i < 250; i++) {
    // Four traces per order (reception, hops, baker), each span naming the order.
    const choices = [0, 1, 2, 3].map((n) => sampler.keep(span(`t${i}-${n}`, `order-${i}`)))
    assert.ok(
      choices.every((c) => c === choices[0]),
      `order ${i} is kept or dropped whole`,
    )
    if (choices[0]) kept++
    // A later span of a trace without the order key follows the trace's choice.
    assert.equal(sampler.keep(span(`t${i}-0`, undefined)), choices[0])
  }
  assert.ok(kept > 5 && kept < 60, `kept ${kept} of 250 orders`)
  assert.ok(sampler.keep(span('x', 'dropped?', 'error')), 'error spans are always written')
  assert.ok(sampler.counters.share < 0.2)
  assert.ok(sampler.counters.spansSampledOut > 500)
  // The load goes away: everything is written again.
  now += 1000
  sampler.keep(span('quiet', 'q'))
  now += 1000
  assert.ok(sampler.keep(span('quiet2', 'q2')))
  assert.equal(sampler.counters.share, 1)
})

test('persist sampler with a rate of 0 writes every span', () => {
  const sampler = createPersistSampler(0)
  for (let i = 0; i < 10_000; i++) assert.ok(sampler.keep(span(`t${i}`, undefined)))
})
