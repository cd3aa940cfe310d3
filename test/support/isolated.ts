// Private corners of the shared real servers: a fresh PostgreSQL database and a fresh RabbitMQ
// virtual host per test, so fixed names (schema `coffee`, exchange `orders`) never meet another
// test's. Both are removed in t.after.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { promisify } from 'node:util'
import pg from 'pg'
import { defer } from './defer.ts'

const run = promisify(execFile)

export async function isolatedDatabase(t: TestContext, serverUrl: string): Promise<string> {
  const name = `bakery_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  defer(t, async () => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
    await client.end()
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.href
}

/** Needs rabbitmqctl on this machine (CI provisions RabbitMQ with it). */
export async function isolatedVhost(t: TestContext, serverUrl: string): Promise<string> {
  const vhost = `bakery-${randomUUID().slice(0, 8)}`
  await run('rabbitmqctl', ['add_vhost', vhost], { timeout: 30_000 })
  const user = decodeURIComponent(new URL(serverUrl).username || 'guest')
  await run('rabbitmqctl', ['set_permissions', '-p', vhost, user, '.*', '.*', '.*'], { timeout: 30_000 })
  defer(t, async () => {
    await run('rabbitmqctl', ['delete_vhost', vhost], { timeout: 60_000 }).catch(() => undefined)
  })
  const url = new URL(serverUrl)
  url.pathname = `/${encodeURIComponent(vhost)}`
  return url.href
}
