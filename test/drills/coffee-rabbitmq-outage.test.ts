// Drill: RabbitMQ stops (stop_app) for 5 s under load, then starts again. Orders keep being
// accepted (the outbox holds their events), consumers resume after reconnecting, and every
// accepted order ends ready exactly once.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { runLoad, sleep, startStack, verdict } from '../support/coffee-drill.ts'

const run = promisify(execFile)
const rabbitmqctl = (...args: string[]) => run('rabbitmqctl', args, { timeout: 120_000 })

test('coffee drill: RabbitMQ stop_app / start_app under load loses and doubles nothing', async (t) => {
  const stack = await startStack(t, { baristas: 2 })
  if (!stack) return
  let stopped = false
  t.after(async () => {
    if (!stopped) return
    await rabbitmqctl('start_app')
    await rabbitmqctl('await_startup')
  })
  let faultEndedAt = 0
  const drill = (async () => {
    await sleep(3000)
    stopped = true
    await rabbitmqctl('stop_app')
    await sleep(5000)
    await rabbitmqctl('start_app')
    await rabbitmqctl('await_startup')
    stopped = false
    faultEndedAt = Date.now()
  })()
  const load = await runLoad(() => stack.receptionUrl, 15, 15_000)
  await drill
  await verdict(t, 'rabbitmq stop_app 5 s', stack, load, faultEndedAt)
  assert.equal(load.refused.size, 0, `no order was refused while the broker was away: ${[...load.refused]}`)
})
