// The incidents on the embedded stack, one after another with fixed seeds: each is detected
// within 30 s, its ground truth is verified, and it exports in both dataset layouts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { catalogue } from '../../src/incidents/catalogue.ts'
import { BASELINE_LIMIT_MS, backToBaseline, breakersClosed, runIncidentAndCheck } from './check-run.ts'
import { startIncidentStack } from './support.ts'

// Incidents that open the payments breaker run last: the coffee flow is slow to recover after them.
const RUNS = [
  { name: 'poison-message', seed: 5, durationS: 8 },
  { name: 'slow-album-listing', seed: 2, durationS: 8 },
  { name: 'redis-latency', seed: 6, durationS: 8 },
  { name: 'consumer-low-lag', seed: 8, durationS: 10 },
  { name: 'aggregator-cpu-burn', seed: 10, durationS: 8 },
  { name: 'baker-pool-of-one', seed: 1, durationS: 12 },
  { name: 'one-pastry-fails', seed: 3, durationS: 8 },
  { name: 'memory-leak', seed: 4, durationS: 12 },
  { name: 'barista-too-slow', seed: 3, durationS: 12 },
  { name: 'retry-storm', seed: 11, durationS: 12 },
  { name: 'payments-half-errors', seed: 7, durationS: 10 },
] as const

/** Incidents whose symptom is checked to be gone again after the stop (the run's own load, again). */
const BACK_TO_BASELINE = new Set(['baker-pool-of-one', 'one-pastry-fails', 'retry-storm'])

test('every incident of the catalogue is in the embedded run', () => {
  assert.deepEqual(RUNS.map((r) => r.name).sort(), catalogue.map((i) => i.name).sort())
})

test('incidents on the embedded stack are detected, verified and exported when run with fixed seeds', async (t) => {
  const stack = await startIncidentStack(
    t,
    RUNS.map((r) => r.name),
  )
  for (const run of RUNS) {
    await t.test(`${run.name} with seed ${run.seed}`, async (st) => {
      const truth = await runIncidentAndCheck(st, stack, run.name, run)
      if (BACK_TO_BASELINE.has(run.name)) {
        const ms = await backToBaseline(stack, truth)
        assert.ok(ms <= BASELINE_LIMIT_MS)
        st.diagnostic(`${run.name}: back to baseline ${ms} ms after the stop`)
      }
      // The next incident starts from a healthy system: a breaker a fault opened has closed again.
      const closedMs = await breakersClosed(stack, truth)
      assert.ok(closedMs <= BASELINE_LIMIT_MS)
      if (closedMs > 0) st.diagnostic(`${run.name}: breakers closed ${closedMs} ms after the stop`)
    })
  }
})
