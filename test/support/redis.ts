// Helpers for tests on the shared Redis: unique key prefixes, and cleanup of only those keys.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import { defer } from './defer.ts'
import { reachable } from './servers.ts'

export function uniquePrefix(): string {
  return `test:${randomUUID().slice(0, 8)}:`
}

/** A plain client for assertions (CLIENT LIST, MONITOR); closed and our keys deleted after the test. */
export function redisClient(t: TestContext, url: string, prefix?: string): Redis {
  const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 50 })
  client.on('error', () => {})
  defer(t, async () => {
    if (prefix) await deleteKeys(client, prefix).catch(() => {})
    client.disconnect()
  })
  return client
}

/** Deletes the keys under `prefix` (never FLUSHALL: the server is shared). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await client.del(...keys)
  } while (cursor !== '0')
}

/** Clients whose name starts with `name` and that hold a (pattern) subscription. */
export async function subscriberClients(client: Redis, name: string): Promise<number> {
  const list = (await client.client('LIST')) as string
  return list
    .split('\n')
    .filter((line) => line.includes(` name=${name}`))
    .filter((line) => /\b(p?sub)=([1-9]\d*)/.test(line)).length
}

// The machine's own start command for its Redis (scripts/provision.sh uses the same).
const MACHINE_REDIS_ARGS = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
]

/** Starts the machine's Redis again after a drill stopped it, and waits up to `waitMs` for it. */
export async function startMachineRedis(waitMs: number): Promise<void> {
  if (!(await reachable('127.0.0.1', 6379))) {
    await promisify(execFile)('redis-server', MACHINE_REDIS_ARGS, { timeout: 30_000 })
  }
  const deadline = Date.now() + waitMs
  while (Date.now() < deadline && !(await reachable('127.0.0.1', 6379))) await sleep(100)
}
