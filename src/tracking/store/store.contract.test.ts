// One contract, run on every adapter: the embedded store and the real Redis server.
import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { redisClient, uniquePrefix } from '../../../test/support/redis.ts'
import { requireServer } from '../../../test/support/servers.ts'
import { createLogger } from '../../platform/log/index.ts'
import { openTrackingStore, type TrackingStore } from './index.ts'

const log = createLogger({ level: 'silent', format: 'json' })
const adapters = [
  { name: 'memory', url: async () => 'memory://' },
  { name: 'redis', url: (t: TestContext) => requireServer(t, 'redis') },
]

for (const adapter of adapters) {
  describe(`tracking store ${adapter.name}`, () => {
    async function open(t: TestContext, ttlMs = 60_000): Promise<TrackingStore | undefined> {
      const url = await adapter.url(t)
      if (!url) return undefined
      const prefix = uniquePrefix()
      if (adapter.name === 'redis') redisClient(t, url, prefix)
      const store = await openTrackingStore(new URL(url), { prefix, ttlMs, log })
      t.after(() => store.close())
      return store
    }

    test('store merges fields into one record when hops write in turn', async (t) => {
      const store = await open(t)
      if (!store) return
      assert.equal(await store.read('k1'), undefined)
      await store.record('k1', { 'accepted.start': '1', 'accepted.worker': 'w1' }, 1)
      await store.record('k1', { 'accepted.end': '2' }, 2)
      await store.heartbeat('k1', 'baked', 3)
      await store.heartbeat('k1', 'baked', 4)
      assert.deepEqual(await store.read('k1'), {
        'accepted.start': '1',
        'accepted.worker': 'w1',
        'accepted.end': '2',
        'baked.beats': '2',
        'baked.beat': '4',
      })
    })

    test('store restores the fields of earlier hops only when the record is missing', async (t) => {
      const store = await open(t)
      if (!store) return
      const earlier = { 'accepted.start': '1', 'accepted.end': '2' }
      // Lost (never written here): the write rebuilds it from what the hop carried.
      await store.record('lost', { 'enriched.end': '3' }, 3, earlier)
      assert.deepEqual(await store.read('lost'), { ...earlier, 'enriched.end': '3' })
      // Present: the carried fields are not written again (the record's own values stay).
      await store.record('kept', { 'accepted.start': '0' }, 1)
      await store.record('kept', { 'enriched.end': '3' }, 3, earlier)
      assert.deepEqual(await store.read('kept'), { 'accepted.start': '0', 'enriched.end': '3' })
      await store.finalise('gone', { done: '4' }, earlier)
      assert.deepEqual(await store.read('gone'), { ...earlier, done: '4' })
    })

    test('store keeps every write of many concurrent hops, in order per record', async (t) => {
      const store = await open(t)
      if (!store) return
      // Writes asked for together leave together (Redis: one script call per batch); each record
      // must still get its own fields, restores and marker, and a later write wins over an earlier.
      const keys = Array.from({ length: 600 }, (_, i) => `c${i}`)
      const now = Date.now()
      await Promise.all(
        keys.map((key, i) =>
          i % 3 === 0
            ? store.finalise(key, { done: String(i) }, { 'accepted.start': String(i) })
            : store.record(key, { 'enriched.end': String(i), empty: '' }, now),
        ),
      )
      await Promise.all(
        keys.map((key, i) => (i % 3 === 1 ? store.record(key, { 'enriched.end': 'later' }, now) : undefined)),
      )
      for (const [i, key] of keys.entries()) {
        const expected =
          i % 3 === 0
            ? { 'accepted.start': String(i), done: String(i) }
            : { 'enriched.end': i % 3 === 1 ? 'later' : String(i), empty: '' }
        assert.deepEqual(await store.read(key), expected, key)
        assert.equal(await store.isFinalised(key), i % 3 === 0, key)
      }
      assert.deepEqual(await store.activity(now - 60_000), { inFlight: 400, stalled: 0 })
    })

    test('store counts in-flight and stalled requests when some go quiet', async (t) => {
      const store = await open(t)
      if (!store) return
      const now = Date.now()
      await store.record('quiet', { a: '1' }, now - 10_000)
      await store.record('busy', { a: '1' }, now - 10_000)
      await store.heartbeat('busy', 'baked', now)
      await store.record('done', { a: '1' }, now)
      await store.finalise('done', { end: '1' })
      assert.deepEqual(await store.activity(now - 5_000), { inFlight: 2, stalled: 1 })
    })

    test('store notifies every watcher once when a record is finalised', async (t) => {
      const store = await open(t)
      if (!store) return
      const seen: string[][] = [[], []]
      const stops = await Promise.all(
        seen.map((list) => store.watch({ onFinalised: (key) => list.push(key), onResync: () => {} })),
      )
      assert.equal(await store.isFinalised('f1'), false)
      await store.record('f1', { a: '1' }, Date.now())
      await store.finalise('f1', { done: '5' })
      for (let i = 0; i < 100 && seen.some((l) => l.length === 0); i++) await sleep(10)
      assert.deepEqual(seen, [['f1'], ['f1']])
      assert.equal(await store.isFinalised('f1'), true)
      assert.equal((await store.read('f1'))?.done, '5')
      for (const stop of stops) stop()
    })

    test('store forgets a record when its TTL runs out', async (t) => {
      const store = await open(t, 150)
      if (!store) return
      await store.record('ttl', { a: '1' }, Date.now())
      await store.finalise('ttl', { b: '2' })
      assert.ok(await store.read('ttl'))
      await sleep(400)
      assert.equal(await store.read('ttl'), undefined)
      assert.equal(await store.isFinalised('ttl'), false)
    })

    test('store tallies count each item once when it is added again', async (t) => {
      const store = await open(t)
      if (!store) return
      assert.equal(await store.tally('homer', 'k1'), 1)
      assert.equal(await store.tally('homer', 'k2'), 2)
      assert.equal(await store.tally('homer', 'k1'), 2)
      assert.equal(await store.tally('marge', 'k3'), 1)
    })
  })
}
