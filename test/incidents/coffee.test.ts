// The coffee-shop incidents, each run with a fixed seed on the embedded stack.
import { test } from 'node:test'
import { runIncidentAndCheck } from './check-run.ts'

test('payments-half-errors is seen in error spans of payments and exported when run with seed 7', async (t) => {
  await runIncidentAndCheck(t, 'payments-half-errors', { seed: 7, durationS: 8 })
})
