// Per-test isolation on the shared PostgreSQL and RabbitMQ for tests that start separate bakery
// processes (whose schema and queue names are fixed): a fresh database and a fresh vhost, both
// removed afterwards.
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import pg from 'pg'

function rabbitmqctl(args: string[]): void {
  const result = spawnSync('rabbitmqctl', args, { encoding: 'utf8', timeout: 60_000 })
  if (result.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')}: ${result.stderr}${result.stdout}`)
}

export async function isolatedServers(
  t: TestContext,
  amqpUrl: string,
  postgresUrl: string,
): Promise<{ amqpUrl: string; databaseUrl: string }> {
  const id = randomUUID().replaceAll('-', '').slice(0, 16)
  const database = `bakery_test_${id}`
  const admin = new pg.Client({ connectionString: postgresUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  t.after(async () => {
    const cleanup = new pg.Client({ connectionString: postgresUrl })
    await cleanup.connect()
    await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    await cleanup.end()
  })
  const vhost = `bakery-test-${id}`
  const amqp = new URL(amqpUrl)
  rabbitmqctl(['add_vhost', vhost])
  t.after(() => rabbitmqctl(['delete_vhost', vhost]))
  rabbitmqctl([
    'set_permissions',
    '-p',
    vhost,
    decodeURIComponent(amqp.username || 'guest'),
    '.*',
    '.*',
    '.*',
  ])
  amqp.pathname = `/${encodeURIComponent(vhost)}`
  const db = new URL(postgresUrl)
  db.pathname = `/${database}`
  return { amqpUrl: amqp.href, databaseUrl: db.href }
}
