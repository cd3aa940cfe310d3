import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redisClient, uniquePrefix } from '../../../test/support/redis.ts'
import { requireServer } from '../../../test/support/servers.ts'
import { script } from './redis.ts'

test('tracking script still runs when Redis has forgotten it (a restart forgets scripts)', async (t) => {
  const url = await requireServer(t, 'redis')
  if (!url) return
  const prefix = uniquePrefix()
  const redis = redisClient(t, url, prefix)
  const run = script(redis, 'bakeryTestIncrement', "return redis.call('INCRBY', KEYS[1], ARGV[1])")
  const key = `${prefix}n`
  assert.equal(await run([key], [2]), 2)
  // What a restart does to the script cache; the next call must load the script again.
  await redis.script('FLUSH')
  assert.equal(await run([key], [3]), 5)
  await assert.rejects(
    script(redis, 'bakeryTestFailing', "return redis.call('INCRBY', KEYS[1], 'x')")([key], []),
    /not an integer/,
  )
})
