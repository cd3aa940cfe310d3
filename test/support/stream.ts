// Runs stream services in-process against one set of adapters (embedded, or the real Kafka,
// PostgreSQL and InfluxDB), with unique topic, groups, schema and InfluxDB database per test.
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { WiredDeps } from '../../src/config.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import type { HttpService } from '../../src/platform/http/index.ts'
import { createInfra, type Infra } from '../../src/platform/infra.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import { createTelemetry, type Telemetry } from '../../src/platform/telemetry/index.ts'
import { requireServer } from './servers.ts'

export type Mode = 'embedded' | 'real'

export interface StreamEnv {
  env: Record<string, string>
  config: Config
  infra: Infra
  telemetry: Telemetry
  start(name: string, factory: (deps: WiredDeps) => HttpService): Promise<HttpService>
}

/** Unique names for one test; undefined when a real server is missing (the test was skipped). */
export async function streamEnv(
  t: TestContext,
  mode: Mode,
  extra: Record<string, string> = {},
): Promise<StreamEnv | undefined> {
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const env: Record<string, string> = {
    KAFKA_TOPIC: `events-${id}`,
    BAKERY_STREAM_GROUP_PREFIX: `test-${id}`,
    BAKERY_STREAM_SCHEMA: `stream_${id}`,
    INFLUX_DATABASE: `stream_${id}`,
    BAKERY_STREAM_FLUSH_MS: '50',
    BAKERY_STREAM_RETRY_MS: '100',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    OTEL_SDK_DISABLED: 'false',
    ...extra,
  }
  if (mode === 'real') {
    const kafka = await requireServer(t, 'kafka')
    const postgres = kafka && (await requireServer(t, 'postgres'))
    const influx = postgres && (await requireServer(t, 'influx'))
    if (!kafka || !postgres || !influx) return undefined
    Object.assign(env, { KAFKA_BROKERS: kafka, DATABASE_URL: postgres, INFLUX_URL: influx }, extra)
  }
  const config = loadConfig(env)
  const log = createLogger({ level: 'silent', format: 'json' })
  const telemetry = createTelemetry(config)
  const infra = createInfra(config, log)
  const started: HttpService[] = []
  t.after(async () => {
    for (const service of started.reverse()) await service.stop()
    if (mode === 'real') {
      const db = await infra.database()
      await db.exec(`DROP SCHEMA IF EXISTS ${config.streamSchema} CASCADE`)
      await fetch(
        new URL(
          `query?q=${encodeURIComponent(`DROP DATABASE "${config.influxDatabase}"`)}`,
          config.influxUrl,
        ),
        { method: 'POST' },
      )
    }
    await infra.close()
    await telemetry.shutdown()
  })
  return {
    env,
    config,
    infra,
    telemetry,
    async start(name, factory) {
      const service = factory({
        config,
        log,
        telemetry: telemetry.forService(name),
        rootTelemetry: telemetry,
        infra,
        port: 0,
      })
      await service.start()
      started.push(service)
      return service
    },
  }
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      last = error
      return undefined
    })
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last error: ${String(last)})`)
    await sleep(100)
  }
}
