// Private spaces on the shared servers, so a test's queues and tables meet no other test's:
// a RabbitMQ vhost and a PostgreSQL database of its own, both removed after the test.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { promisify } from 'node:util'
import pg from 'pg'
import { defer } from './cleanup.ts'

const run = promisify(execFile)

/** A fresh vhost on the shared RabbitMQ (guest has all rights there); deleted after the test. */
export async function isolatedAmqpUrl(t: TestContext, base: string): Promise<string> {
  const vhost = `bakery-test-${randomUUID().slice(0, 8)}`
  await run('rabbitmqctl', ['add_vhost', vhost], { timeout: 60_000 })
  defer(t, () => run('rabbitmqctl', ['delete_vhost', vhost], { timeout: 60_000 }))
  await run('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], { timeout: 60_000 })
  const url = new URL(base)
  url.pathname = `/${encodeURIComponent(vhost)}`
  return url.href
}

/** A fresh database on the shared PostgreSQL; dropped after the test. */
export async function isolatedDatabaseUrl(t: TestContext, base: string): Promise<string> {
  const name = `bakery_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  defer(t, async () => {
    const dropper = new pg.Client({ connectionString: base })
    await dropper.connect()
    await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
    await dropper.end()
  })
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.href
}
