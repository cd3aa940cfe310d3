import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createMetricHistory } from './metric-history.ts'
import type { ExpectedSignal } from './model.ts'
import { baselineKey, watchSignals } from './signals.ts'

const MB = 1e6
const rise: ExpectedSignal = {
  service: 'reception',
  span: 'v8js_memory_heap_used',
  signal: 'metric-rise',
  threshold: 64 * MB,
}

/** A metric history that serves the given heap readings, one per sample, a second apart. */
function heapReadings(readingsMb: readonly number[]) {
  let index = 0
  let nowMs = 0
  return createMetricHistory({
    services: () => ['reception'],
    read: async () =>
      `v8js_memory_heap_used_bytes ${(readingsMb[Math.min(index++, readingsMb.length - 1)] ?? 0) * MB}\n`,
    now: () => (nowMs += 1000),
  })
}

async function watchRise(baselineMb: number, readingsMb: readonly number[]) {
  const metrics = heapReadings(readingsMb)
  const watch = watchSignals({
    signals: [rise],
    store: undefined,
    metrics,
    injectMs: 0,
    baselines: new Map([[baselineKey(rise), baselineMb * MB]]),
  })
  for (let i = 0; i < readingsMb.length && !watch.allSeen(); i++) await watch.check()
  return watch.result()
}

test('a rise is seen once the metric climbs the threshold above its baseline', async () => {
  const result = await watchRise(100, [110, 140, 170, 190])
  assert.equal(result.ok, true)
  assert.equal(result.signals[0]?.value, 70 * MB)
  assert.equal(result.signals[0]?.detect_ms, 3000)
})

test('a rise counts from the low after a garbage collection, not from a baseline full of garbage', async () => {
  // Baseline 300 MB of which half was garbage; a major collection drops it to 170 (live 150 plus
  // 20 MB leaked), then the leak keeps growing: 100 MB above that low, never 64 above 300.
  const result = await watchRise(300, [320, 170, 210, 250, 270])
  assert.equal(result.ok, true)
  assert.equal(result.signals[0]?.value, 80 * MB)
})

test('a metric that only falls and recovers is no rise', async () => {
  const result = await watchRise(300, [200, 250, 260, 240])
  assert.equal(result.ok, false)
  assert.equal(result.signals[0]?.seen, false)
  assert.equal(result.signals[0]?.value, 40 * MB)
})
