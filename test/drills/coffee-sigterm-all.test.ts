// Drill: SIGTERM to every coffee service under load. Each exits 0 after finishing its in-flight
// work (requests answered, brews recorded, outbox drained or left for the relay); the load meets
// closed ports meanwhile (refused, never accepted). Started again, the shop finishes every order
// it accepted, exactly once.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runLoad, sleep, startStack, verdict } from '../support/coffee-drill.ts'

test('coffee drill: SIGTERM to every service under load loses and doubles nothing', async (t) => {
  const stack = await startStack(t, { baristas: 2, scale: '0.03' })
  if (!stack) return
  let faultEndedAt = 0
  const codes: (number | null)[] = []
  const drill = (async () => {
    await sleep(4000)
    codes.push(...(await Promise.all(stack.processes.map((p) => p.stop('SIGTERM')))))
    await sleep(1000)
    for (const proc of stack.processes) await proc.start()
    faultEndedAt = Date.now()
  })()
  const load = await runLoad(() => stack.receptionUrl, 15, 12_000)
  await drill
  assert.deepEqual(
    codes,
    stack.processes.map(() => 0),
    'every service shut down gracefully (exit 0)',
  )
  await verdict(t, 'SIGTERM every service', stack, load, faultEndedAt)
})
