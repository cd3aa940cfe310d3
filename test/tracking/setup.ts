// Environments for the order-journey tests: everything embedded, or the real servers (Redis with
// a key prefix, RabbitMQ queues and a PostgreSQL schema of their own).
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { TestContext } from 'node:test'
import { type Dispatcher, fetch as undiciFetch } from 'undici'
import { startCli } from '../support/cli.ts'
import { defer } from '../support/defer.ts'
import { dropQueuesLater, dropSchemaLater, isolatedNames } from '../support/isolated.ts'
import { redisClient, uniquePrefix } from '../support/redis.ts'
import { requireServer } from '../support/servers.ts'

export const JOURNEY_SERVICES = ['reception', 'enrichment', 'baker', 'response-builder'] as const

export interface JourneyEnv {
  env: Record<string, string>
  prefix: string
  redis: string | undefined
}

export const setups = [
  {
    name: 'embedded',
    async env(_t: TestContext): Promise<JourneyEnv | undefined> {
      const prefix = uniquePrefix()
      return { env: { BAKERY_TRACKING_PREFIX: prefix }, prefix, redis: undefined }
    },
  },
  {
    name: 'real servers',
    async env(t: TestContext): Promise<JourneyEnv | undefined> {
      const redis = await requireServer(t, 'redis')
      const amqp = await requireServer(t, 'amqp')
      const postgres = await requireServer(t, 'postgres')
      if (!redis || !amqp || !postgres) return undefined
      const prefix = uniquePrefix()
      redisClient(t, redis, prefix) // deletes the test's keys afterwards
      const { queue, schema } = isolatedNames()
      dropQueuesLater(t, amqp, queue)
      dropSchemaLater(t, postgres, schema)
      return {
        env: {
          REDIS_URL: redis,
          AMQP_URL: amqp,
          DATABASE_URL: postgres,
          BAKERY_ORDERS_QUEUE: queue,
          BAKERY_ORDERS_SCHEMA: schema,
          BAKERY_TRACKING_PREFIX: prefix,
        },
        prefix,
        redis,
      }
    },
  },
] as const

export async function postOrder(
  url: string,
  order: { customer: string; pastry: string },
  headers: Record<string, string> = {},
  dispatcher?: Dispatcher,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await undiciFetch(`${url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(order),
    ...(dispatcher ? { dispatcher } : {}),
  })
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  }
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** A baker in a process of its own (so a test can kill it mid-bake), stopped after the test. */
export async function startBaker(t: TestContext, env: Record<string, string>): Promise<ChildProcess> {
  const cli = startCli(['baker'], ['baker'], { PORT: '0', ...env })
  defer(t, async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill('SIGTERM')
      await once(cli.child, 'exit')
    }
  })
  await cli.urls
  return cli.child
}
