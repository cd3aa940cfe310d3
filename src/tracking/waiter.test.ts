import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { redisClient, subscriberClients, uniquePrefix } from '../../test/support/redis.ts'
import { requireServer } from '../../test/support/servers.ts'
import { createLogger } from '../platform/log/index.ts'
import { openTrackingStore, type TrackingStore } from './store/index.ts'
import { createCompletionWaiter } from './waiter.ts'

const log = createLogger({ level: 'silent', format: 'json' })

async function open(
  t: TestContext,
  url: string,
  prefix: string,
  clientName?: string,
): Promise<TrackingStore> {
  const store = await openTrackingStore(new URL(url), { prefix, ttlMs: 60_000, log, clientName })
  t.after(() => store.close())
  return store
}

describe('completion waiter', () => {
  test('waiter resolves true on finalisation and false when the time runs out (embedded)', async (t) => {
    const store = await open(t, 'memory://', 'x:')
    const waiter = createCompletionWaiter(store, log)
    t.after(() => waiter.close())
    const waiting = waiter.wait('a', 5_000)
    const expiring = waiter.wait('b', 50)
    await store.finalise('a', { done: '1' })
    assert.deepEqual(await waiting, { done: '1' })
    assert.equal(await expiring, undefined)
    // Already final before the wait began: one read answers it.
    assert.deepEqual(await waiter.wait('a', 5_000), { done: '1' })
    assert.equal(waiter.waiting, 0)
  })

  test('waiter serves 200 concurrent waits with one subscriber connection and no polling (redis)', async (t) => {
    const url = await requireServer(t, 'redis')
    if (!url) return
    const prefix = uniquePrefix()
    const name = `bakery-waiter-${prefix.slice(5, 13)}`
    const admin = redisClient(t, url, prefix)
    const store = await open(t, url, prefix, name)
    const waiter = createCompletionWaiter(store, log)
    t.after(() => waiter.close())
    await waiter.start()

    // Every command Redis runs on our keys, from every client (MONITOR is server-wide).
    const monitor = await admin.monitor()
    t.after(() => monitor.disconnect())
    const seen: string[] = []
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((a) => a.includes(prefix))) seen.push(String(args[0]).toLowerCase())
    })

    const keys = Array.from({ length: 200 }, (_, i) => `order-${i}`)
    const waits = keys.map((key) => waiter.wait(key, 20_000))
    await sleep(300)
    assert.equal(waiter.waiting, 200)
    assert.equal(await subscriberClients(admin, name), 1, 'one subscriber connection for all waits')
    const beforeFinalise = [...seen]
    // Idle waits cost nothing: only the one initial read per wait, no polling while waiting.
    await sleep(700)
    assert.deepEqual(seen, beforeFinalise)
    assert.equal(beforeFinalise.filter((c) => c === 'hgetall').length, 200)
    assert.deepEqual([...new Set(beforeFinalise)], ['hgetall'])

    for (const key of keys) await store.finalise(key, { done: '1' })
    assert.deepEqual(
      await Promise.all(waits),
      keys.map(() => ({ done: '1' })),
    )
    await sleep(100)
    const reads = seen.filter((c) => ['exists', 'hgetall', 'hget', 'get'].includes(c))
    assert.equal(reads.length, 400, 'one read when each wait began, one when its completion was announced')
  })
})
