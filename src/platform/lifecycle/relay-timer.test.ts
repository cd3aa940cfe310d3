import assert from 'node:assert/strict'
import { mock, test } from 'node:test'
import { createRelayTimer, MAX_RELAY_DELAY_MS } from './relay-timer.ts'

/** Lets the pass's promise chain settle (the fake clock moves only timers). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

test('relay timer runs a pass on start, then after the delay the pass returns, until stopped', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] })
  t.after(() => mock.timers.reset())
  let passes = 0
  const relay = createRelayTimer({
    run: async () => {
      passes++
      return 1000
    },
  })
  relay.start()
  relay.start()
  await settle()
  assert.equal(passes, 1, 'one pass on start, a second start is a no-op')
  mock.timers.tick(999)
  await settle()
  assert.equal(passes, 1)
  mock.timers.tick(1)
  await settle()
  assert.equal(passes, 2, 'the next pass after the returned delay')
  await relay.stop()
  assert.equal(relay.stopped, true)
  mock.timers.tick(10_000)
  relay.wake()
  await settle()
  assert.equal(passes, 2, 'nothing runs after stop')
})

test('relay timer: a wake during a pass is reported, not run alongside; stop waits for the pass', async () => {
  let release: () => void = () => undefined
  let passes = 0
  let wokenWhileRunning = 0
  const relay = createRelayTimer({
    run: () => {
      passes++
      return new Promise<number>((resolve) => {
        release = () => resolve(60_000)
      })
    },
    onWakeWhileRunning: () => wokenWhileRunning++,
  })
  relay.start()
  relay.wake()
  relay.wake()
  assert.equal(passes, 1)
  assert.equal(wokenWhileRunning, 2)
  let stopped = false
  const stopping = relay.stop().then(() => {
    stopped = true
  })
  await settle()
  assert.equal(stopped, false, 'stop waits for the pass in progress')
  release()
  await stopping
  assert.equal(stopped, true)
})

test('relay timer bounds a delay, and retries a pass that rejected after a second', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] })
  t.after(() => mock.timers.reset())
  const delays = [Number.POSITIVE_INFINITY, -5]
  let passes = 0
  const relay = createRelayTimer({
    run: async () => {
      passes++
      if (passes === 3) throw new Error('pass failed')
      return delays[passes - 1] ?? 1000
    },
  })
  relay.start()
  await settle()
  mock.timers.tick(MAX_RELAY_DELAY_MS - 1)
  await settle()
  assert.equal(passes, 1, 'an endless delay is capped, not taken')
  mock.timers.tick(1)
  await settle()
  assert.equal(passes, 2)
  mock.timers.tick(0)
  await settle()
  assert.equal(passes, 3, 'a negative delay runs the next pass at once')
  mock.timers.tick(999)
  await settle()
  assert.equal(passes, 3)
  mock.timers.tick(1)
  await settle()
  assert.equal(passes, 4, 'a rejected pass is retried after 1 s')
  await relay.stop()
})
