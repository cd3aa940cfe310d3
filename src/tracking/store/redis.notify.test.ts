// A Redis that forbids CONFIG (as managed services often do): the store says so clearly instead
// of waiting for notifications that never come. Runs a private redis-server with CONFIG renamed
// away, on a free loopback port.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import { type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { reachable, requireServer } from '../../../test/support/servers.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { createLogger } from '../../platform/log/index.ts'
import { openTrackingStore } from './index.ts'

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

async function lockedRedis(t: TestContext): Promise<string> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--rename-command',
      'CONFIG',
      '',
    ],
    { stdio: 'ignore' },
  )
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  })
  for (let i = 0; i < 100 && !(await reachable('127.0.0.1', port)); i++) await sleep(50)
  return `redis://127.0.0.1:${port}`
}

test('redis store refuses clearly when the server forbids CONFIG SET notify-keyspace-events', async (t) => {
  // The shared Redis proves redis-server is installed here (CI provisions it).
  if (!(await requireServer(t, 'redis'))) return
  const url = await lockedRedis(t)
  const store = await openTrackingStore(new URL(url), {
    prefix: 'locked:',
    ttlMs: 60_000,
    log: createLogger({ level: 'silent', format: 'json' }),
  })
  t.after(() => store.close())
  await store.record('k', { a: '1' }, Date.now())
  await assert.rejects(store.watch({ onFinalised() {}, onResync() {} }), (error: unknown) => {
    assert.ok(error instanceof BakeryError)
    assert.equal(error.code, ErrorCode.TRACKING_NOTIFY_DENIED)
    assert.match(error.message, /notify-keyspace-events K\$/)
    return true
  })
})
