// Drill: Redis (the shared rate-limit store) restarts under load. The rate limit fails open while
// Redis is away, so no order is refused for it, and every accepted order ends ready once.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { runLoad, sleep, startStack, verdict } from '../support/coffee-drill.ts'
import { startMachineRedis } from '../support/redis.ts'

const run = promisify(execFile)
const startRedis = () => startMachineRedis(30_000)

test('coffee drill: Redis restart under load loses and doubles nothing', async (t) => {
  const stack = await startStack(t)
  if (!stack) return
  t.after(startRedis)
  let faultEndedAt = 0
  const drill = (async () => {
    await sleep(3000)
    await run('redis-cli', ['-p', '6379', 'shutdown', 'nosave']).catch(() => undefined)
    await sleep(3000)
    await startRedis()
    faultEndedAt = Date.now()
  })()
  const load = await runLoad(() => stack.receptionUrl, 15, 12_000)
  await drill
  await verdict(t, 'redis restart', stack, load, faultEndedAt)
  assert.equal(load.refused.size, 0, `the rate limit failed open: ${[...load.refused]}`)
  // The limit is counted in Redis again after the restart (keys live for the 1-minute window).
  const { stdout } = await run('redis-cli', ['-p', '6379', '--scan', '--pattern', 'bakery:coffee:rate:*'])
  assert.ok(stdout.trim().length > 0, 'reception counts its rate limit in Redis after the restart')
})
