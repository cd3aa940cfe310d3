// Builds the album services for tests: a real HTTP listener on port 0, an in-memory span exporter,
// and a random Postgres schema so test files share one database server (or one PGlite per file).
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { type InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createAlbumProxy } from '../../src/albums/proxy/index.ts'
import { createAlbumStore } from '../../src/albums/store/index.ts'
import type { WiredDeps } from '../../src/config.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/platform/db/index.ts'
import { createInfra, type Infra } from '../../src/platform/infra.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import { createTelemetry } from '../../src/platform/telemetry/index.ts'
import { requireServer } from './servers.ts'

export const albumAdapters = [
  { name: 'pglite', url: async (_t: TestContext): Promise<string | undefined> => 'memory://' },
  { name: 'postgres', url: (t: TestContext) => requireServer(t, 'postgres') },
] as const

const log = createLogger({ level: 'silent', format: 'json' })
const infras = new Map<string, Infra>()

/** One Infra (so one PGlite) per database URL per test file; closed when the file ends. */
function infraFor(databaseUrl: string): Infra {
  let infra = infras.get(databaseUrl)
  if (!infra) {
    // Small pools: the PostgreSQL server (100 connections) is shared with every other test run.
    infra = createInfra(loadConfig({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4' }), log)
    infras.set(databaseUrl, infra)
  }
  return infra
}

export async function closeAlbumInfras(): Promise<void> {
  for (const infra of infras.values()) await infra.close()
  infras.clear()
}

export const randomSchema = () => `albums_${randomUUID().replaceAll('-', '').slice(0, 12)}`

export interface AlbumEnv {
  env?: Record<string, string>
  exporter?: InMemorySpanExporter
}

function depsFor(databaseUrl: string, name: string, options: AlbumEnv, infra?: Infra): WiredDeps {
  // Load shedding is off unless a test turns it on: PGlite runs on the event loop, so a bulk insert
  // in a test would otherwise trip it and turn unrelated assertions into 503s.
  const config = loadConfig({
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    BAKERY_ALBUM_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...options.env,
    DATABASE_URL: databaseUrl,
  })
  const processors = options.exporter ? [new SimpleSpanProcessor(options.exporter)] : []
  const telemetry = createTelemetry(config, { spanProcessors: processors })
  return {
    config,
    log,
    telemetry: telemetry.forService(name),
    rootTelemetry: telemetry,
    infra: infra ?? infraFor(databaseUrl),
    port: 0,
  }
}

/** A started album store on a random port in a fresh schema; stopped and dropped after the test. */
export async function startStore(t: TestContext, databaseUrl: string, options: AlbumEnv = {}) {
  const deps = depsFor(databaseUrl, 'album-store', options)
  const schema = randomSchema()
  const store = createAlbumStore(deps, { schema })
  await store.start()
  const db: Database = await deps.infra.database()
  t.after(async () => {
    await store.stop()
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  })
  return { store, db, schema, url: store.url() }
}

/**
 * A started proxy in front of `storeUrl` (any URL, also a dead one). Each proxy has its own infra,
 * as its own process would: the `album-store` breaker, with this test's settings, is its alone.
 */
export async function startProxy(t: TestContext, storeUrl: string, options: AlbumEnv = {}) {
  const env = { ...options.env, ALBUM_STORE_URL: storeUrl }
  const infra = createInfra(loadConfig({ ...env, DATABASE_URL: 'memory://' }), log)
  const deps = depsFor('memory://', 'album-proxy', { ...options, env }, infra)
  const proxy = createAlbumProxy(deps)
  await proxy.start()
  t.after(async () => {
    await proxy.stop()
    await infra.close()
  })
  return { proxy, url: proxy.url(), infra }
}
