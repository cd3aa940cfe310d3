// Starts the bakery (reception + bakers) in-process for tests, embedded or on the real servers,
// each run isolated: its own Postgres schema and queue name on the shared servers.
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { connect } from 'amqplib'
import { type Dispatcher, fetch as undiciFetch } from 'undici'
import type { WiredDeps } from '../../src/config.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import type { HttpService } from '../../src/platform/http/index.ts'
import { createInfra, type Infra } from '../../src/platform/infra.ts'
import type { Service } from '../../src/platform/lifecycle/index.ts'
import { createLogger, type Logging } from '../../src/platform/log/index.ts'
import { createTelemetry, type Telemetry } from '../../src/platform/telemetry/index.ts'
import { findService } from '../../src/services.ts'
import { requireServer } from './servers.ts'

export type Mode = 'embedded' | 'real'
export const modes: readonly Mode[] = ['embedded', 'real']

export interface Bakery {
  url: string
  config: Config
  infra: Infra
  telemetry: Telemetry
  exporter: InMemorySpanExporter
  reception: HttpService
  bakers: Service[]
  /** Starts one more baker sharing this bakery's infrastructure. */
  addBaker(): Promise<Service>
  /** Runs SQL against the bakery schema (`$schema` is replaced). */
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>
}

export interface BakeryOptions {
  env?: Record<string, string>
  bakers?: number
  /** Keep spans in an in-memory exporter (off for load tests: it holds every span). */
  traces?: boolean
  /** Where each service logs (its own `service` field); silent when absent. */
  logging?: Logging
}

/** Returns undefined when the real servers are absent (the test is then skipped, or fails in CI). */
export async function startBakery(
  t: TestContext,
  mode: Mode,
  options: BakeryOptions = {},
): Promise<Bakery | undefined> {
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    BAKERY_RECEPTION_PORT: '0',
    BAKE_TIME_SCALE: '0',
    BAKER_MISTAKE_RATE: '0',
    LOG_LEVEL: 'silent',
    BAKERY_ORDERS_QUEUE: `test.orders-${id}`,
    BAKERY_ORDERS_SCHEMA: `t_bakery_${id}`,
    // The bare orders flow (reception → baker); the tracking hops have their own tests.
    BAKERY_ORDER_JOURNEY: 'false',
    BAKERY_SPAN_STORE_SIZE: '0',
    ...options.env,
  }
  if (mode === 'real') {
    const pg = await requireServer(t, 'postgres')
    const amqp = pg && (await requireServer(t, 'amqp'))
    if (!pg || !amqp) return undefined
    env.DATABASE_URL = pg
    env.AMQP_URL = amqp
  }
  const config = loadConfig(env)
  const log = createLogger({ service: 'test', level: 'silent', format: 'json' })
  const exporter = new InMemorySpanExporter()
  const telemetry = createTelemetry(config, {
    spanProcessors: options.traces ? [new SimpleSpanProcessor(exporter)] : [],
  })
  const infra = createInfra(config, log)
  const deps = (name: string): WiredDeps => ({
    config,
    log: options.logging?.forService(name) ?? log,
    telemetry: telemetry.forService(name),
    rootTelemetry: telemetry,
    infra,
    port: 0,
  })
  // Wired as `bakery start` wires them (services.ts), hooks included.
  const createReception = await loadFactory('reception')
  const createBaker = await loadFactory('baker')
  const reception = createReception(deps('reception')) as HttpService
  const bakers: Service[] = []
  const addBaker = async () => {
    const baker = createBaker(deps('baker'))
    await baker.start()
    bakers.push(baker)
    return baker
  }
  t.after(async () => {
    for (const baker of bakers) await baker.stop()
    await reception.stop()
    if (mode === 'real') {
      const db = await infra.database()
      await db.exec(`DROP SCHEMA IF EXISTS ${config.ordersSchema} CASCADE`)
      const conn = await connect(env.AMQP_URL as string)
      const channel = await conn.createChannel()
      await channel.deleteQueue(config.ordersQueue)
      await channel.deleteQueue(`${config.ordersQueue}.dead`)
      await channel.deleteExchange(`${config.ordersQueue}.flow`)
      await channel.deleteExchange(`${config.ordersQueue}.flow.unrouted`)
      await conn.close()
    }
    await infra.close()
    await telemetry.shutdown()
  })
  await reception.start()
  for (let i = 0; i < (options.bakers ?? 1); i++) await addBaker()
  return {
    url: reception.url(),
    config,
    infra,
    telemetry,
    exporter,
    reception,
    bakers,
    addBaker,
    async sql(text, params = []) {
      const db = await infra.database()
      const result = await db.query(text.replaceAll('$schema', config.ordersSchema), params)
      return result.rows as never
    },
  }
}

async function loadFactory(name: string): Promise<(deps: WiredDeps) => Service> {
  const definition = findService(name)
  if (!definition) throw new Error(`no service ${name}`)
  return definition.load()
}

export async function postOrder(
  url: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  /** A bounded connection pool, for many concurrent orders (one socket per request overflows the backlog). */
  dispatcher?: Dispatcher,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await undiciFetch(`${url}/orders`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(dispatcher ? { dispatcher } : {}),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

export async function getOrder(
  url: string,
  key: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/orders/${key}`)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
