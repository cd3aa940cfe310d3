// The process's tracking store: one per process, on the process's shared Redis connection, which
// the store does not close (the infra does).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redisClient, uniquePrefix } from '../../../test/support/redis.ts'
import { requireServer } from '../../../test/support/servers.ts'
import { loadConfig } from '../../config.ts'
import { withoutCacheFaults } from '../../platform/faults/index.ts'
import { createInfra } from '../../platform/infra.ts'
import { createLogger } from '../../platform/log/index.ts'
import { openTrackingStore, processTrackingStore } from './index.ts'

const log = createLogger({ level: 'silent', format: 'json' })

test('process tracking store is one per process and uses the shared Redis connection (redis)', async (t) => {
  const url = await requireServer(t, 'redis')
  if (!url) return
  const prefix = uniquePrefix()
  redisClient(t, url, prefix)
  const infra = createInfra(loadConfig({ REDIS_URL: url, BAKERY_TRACKING_PREFIX: prefix }), log)
  t.after(() => infra.close())
  const deps = { config: loadConfig({ REDIS_URL: url, BAKERY_TRACKING_PREFIX: prefix }), infra, log }
  const [store, again] = await Promise.all([processTrackingStore(deps), processTrackingStore(deps)])
  // Each caller gets its own view behind its service's cache fault seam, over the one store.
  assert.equal(withoutCacheFaults(store), withoutCacheFaults(again))
  assert.equal(store.kind, 'redis')
  await store.record('k', { a: '1' }, Date.now())
  const shared = await infra.redis()
  assert.deepEqual(await shared?.hgetall(`${prefix}r:k`), { a: '1' }, 'written over the shared connection')

  // A store on a connection it was given leaves that connection open when it closes.
  const borrowed = await openTrackingStore(new URL(url), { prefix, ttlMs: 1000, log, connection: shared })
  await borrowed.close()
  assert.equal(shared?.status, 'ready')
  await infra.close()
  assert.equal(shared?.status, 'end')
})

test('process tracking store is the embedded one for memory://', async (t) => {
  const infra = createInfra(loadConfig({}), log)
  t.after(() => infra.close())
  const store = await processTrackingStore({ config: loadConfig({}), infra, log })
  assert.equal(store.kind, 'memory')
  const again = await processTrackingStore({ config: loadConfig({}), infra, log })
  assert.equal(withoutCacheFaults(again), withoutCacheFaults(store))
})
