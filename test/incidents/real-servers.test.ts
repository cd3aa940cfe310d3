// The incidents of the database, queue, cache and stream seams on the machine's real PostgreSQL,
// RabbitMQ, Redis and Kafka (an isolated database, vhost, key prefix and topic each). Locally a
// missing server skips; with CI=true it fails.
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { isolatedDatabase, isolatedVhost } from '../support/isolated.ts'
import { requireServer } from '../support/servers.ts'
import { runIncidentAndCheck } from './check-run.ts'
import { startIncidentStack } from './support.ts'

const RUNS = [
  { name: 'baker-pool-of-one', seed: 1, durationS: 12 },
  { name: 'poison-message', seed: 5, durationS: 10 },
  { name: 'slow-album-listing', seed: 2, durationS: 10 },
  { name: 'redis-latency', seed: 6, durationS: 10 },
  { name: 'consumer-low-lag', seed: 8, durationS: 12 },
] as const

test('incidents on real PostgreSQL, RabbitMQ, Redis and Kafka are detected, verified and exported', async (t) => {
  const postgres = await requireServer(t, 'postgres')
  const amqp = postgres && (await requireServer(t, 'amqp'))
  const redis = amqp && (await requireServer(t, 'redis'))
  const kafka = redis && (await requireServer(t, 'kafka'))
  if (!postgres || !amqp || !redis || !kafka) return
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const stack = await startIncidentStack(
    t,
    RUNS.map((r) => r.name),
    {
      DATABASE_URL: await isolatedDatabase(t, postgres),
      AMQP_URL: await isolatedVhost(t, amqp),
      REDIS_URL: redis,
      BAKERY_TRACKING_PREFIX: `test:${id}:journey:`,
      KAFKA_BROKERS: kafka,
      KAFKA_TOPIC: `events-${id}`,
      BAKERY_STREAM_GROUP_PREFIX: `test-${id}`,
      BAKERY_STREAM_SCHEMA: `stream_${id}`,
    },
  )
  for (const run of RUNS) {
    await t.test(`${run.name} with seed ${run.seed}`, async (st) => {
      await runIncidentAndCheck(st, stack, run.name, run)
    })
  }
})
