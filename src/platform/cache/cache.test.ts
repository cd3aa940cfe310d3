// The shared Redis opener: one connection per URL, nothing for memory://, everything closed at the
// end; and the infra's redis() and shared() on top of it. Real Redis where it is about Redis.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { requireServer } from '../../../test/support/servers.ts'
import { loadPlatformConfig as loadConfig } from '../config/index.ts'
import { BakeryError, ErrorCode } from '../errors.ts'
import { createInfra } from '../infra.ts'
import { createLogger } from '../log/index.ts'
import { createRedisConnections, isRedisUrl, openRedis } from './index.ts'

const log = createLogger({ level: 'silent', format: 'json' })

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('redis opener opens nothing for memory:// and refuses other schemes', async () => {
  const connections = createRedisConnections({ log })
  assert.equal(await connections.open(new URL('memory://')), undefined)
  assert.equal(isRedisUrl(new URL('rediss://cache:6380')), true)
  assert.equal(isRedisUrl(new URL('memory://')), false)
  await assert.rejects(
    openRedis(new URL('http://127.0.0.1:6379'), { log }),
    (error: unknown) => error instanceof BakeryError && error.code === ErrorCode.ADAPTER_UNSUPPORTED,
  )
  await connections.close()
})

test('redis opener reuses one connection per URL and closes them all at the end', async (t) => {
  const url = await requireServer(t, 'redis')
  if (!url) return
  const connections = createRedisConnections({ log, clientName: `bakery-cache-test:${process.pid}` })
  t.after(() => connections.close())
  const first = await connections.open(new URL(url))
  const again = await connections.open(new URL(url))
  const otherDb = await connections.open(new URL(`${url}/1`))
  assert.ok(first && otherDb)
  assert.equal(again, first, 'the same connection for the same URL')
  assert.notEqual(otherDb, first, 'another URL, another connection')
  assert.equal(await first.ping(), 'PONG')
  assert.equal(await first.client('GETNAME'), `bakery-cache-test:${process.pid}`)
  await connections.close()
  assert.equal(first.status, 'end')
  assert.equal(otherDb.status, 'end')
})

test('redis opener gives a connection to a server that is away, which closes without hanging', async () => {
  const connections = createRedisConnections({ log })
  const redis = await connections.open(new URL(`redis://127.0.0.1:${await closedPort()}`))
  assert.ok(redis)
  assert.notEqual(redis.status, 'ready')
  await connections.close()
  assert.equal(redis.status, 'end')
})

test('infra shares one Redis connection and one resource per key, and closes both', async (t) => {
  const url = await requireServer(t, 'redis')
  if (!url) return
  const infra = createInfra(loadConfig({ REDIS_URL: url }), log)
  t.after(() => infra.close())
  const redis = await infra.redis()
  assert.ok(redis)
  assert.equal(await infra.redis(), redis)
  assert.equal(await infra.redis(new URL('memory://')), undefined)
  let opened = 0
  let closed = 0
  const open = async () => {
    opened++
    return { close: async () => void closed++ }
  }
  const [a, b] = await Promise.all([infra.shared('thing', open), infra.shared('thing', open)])
  assert.equal(a, b)
  assert.equal(opened, 1)
  await infra.close()
  assert.equal(closed, 1)
  assert.equal(redis.status, 'end')
  assert.equal(await createInfra(loadConfig({}), log).redis(), undefined, 'memory:// by default')
})
