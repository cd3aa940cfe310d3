import assert from 'node:assert/strict'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { requireServer } from '../../../test/support/servers.ts'
import { describeConfig, loadConfig } from '../../config.ts'
import { openDatabase } from '../db/index.ts'
import { createLogger } from '../log/index.ts'
import { openTimeSeries } from '../tsdb/index.ts'

test("config folds the stream seed's POSTGRES_* names into DATABASE_URL with the seed's defaults", () => {
  assert.equal(
    loadConfig({ POSTGRES_HOST: 'timescale' }).databaseUrl.href,
    'postgres://user:pass@timescale:5432/postgres',
  )
  const full = loadConfig({
    POSTGRES_HOST: '10.0.0.7',
    POSTGRES_PORT: '6432',
    POSTGRES_USER: 'stream',
    POSTGRES_PASSWORD: 'p@ss/w:rd',
    POSTGRES_DB: 'events',
    POSTGRES_USE_SSL: '1',
  }).databaseUrl
  assert.equal(full.hostname, '10.0.0.7')
  assert.equal(full.port, '6432')
  assert.equal(decodeURIComponent(full.username), 'stream')
  assert.equal(decodeURIComponent(full.password), 'p@ss/w:rd')
  assert.equal(full.pathname, '/events')
  assert.equal(full.searchParams.get('sslmode'), 'require')
  assert.equal(loadConfig({ POSTGRES_HOST: 'db', POSTGRES_USE_SSL: '0' }).databaseUrl.search, '')
  const standard = loadConfig({ DATABASE_URL: 'postgres://a@b/c', POSTGRES_HOST: 'db' })
  assert.equal(standard.databaseUrl.href, 'postgres://a@b/c', 'DATABASE_URL wins')
  assert.equal(loadConfig({ POSTGRES_USER: 'x' }).databaseUrl.href, 'memory://', 'no host, no alias')
  const shown = describeConfig(loadConfig({ POSTGRES_HOST: 'db' })).DATABASE_URL ?? ''
  assert.doesNotMatch(shown, /:pass@/, 'the password is redacted')
})

test("config folds the stream seed's INFLUXDB_* names into INFLUX_URL and INFLUX_DATABASE", () => {
  const config = loadConfig({
    INFLUXDB_HOST: 'http://influxdb:8086',
    INFLUXDB_TOKEN: 'tok/en==',
    INFLUXDB_ORG: 'streamproc',
    INFLUXDB_BUCKET: 'events',
  })
  assert.equal(config.influxUrl.host, 'influxdb:8086')
  assert.equal(config.influxUrl.username, '')
  assert.equal(decodeURIComponent(config.influxUrl.password), 'tok/en==')
  assert.equal(config.influxDatabase, 'events')
  assert.doesNotMatch(describeConfig(config).INFLUX_URL ?? '', /tok/, 'the token is redacted')
  assert.equal(loadConfig({ INFLUXDB_HOST: 'influxdb' }).influxUrl.href, 'http://influxdb:8086/')
  assert.equal(
    loadConfig({ INFLUXDB_HOST: 'https://cloud.example' }).influxUrl.href,
    'https://cloud.example/',
  )
  assert.equal(loadConfig({ INFLUXDB_HOST: 'influx:9999' }).influxUrl.href, 'http://influx:9999/')
  const standard = loadConfig({
    INFLUX_URL: 'http://a:8086',
    INFLUX_DATABASE: 'mine',
    INFLUXDB_HOST: 'b',
    INFLUXDB_BUCKET: 'theirs',
  })
  assert.equal(standard.influxUrl.href, 'http://a:8086/')
  assert.equal(standard.influxDatabase, 'mine')
})

test("the seed's InfluxDB token and bucket reach InfluxDB as a Token header and the database", async (t) => {
  const seen: { method: string; path: string; db: string | null; auth: string | undefined }[] = []
  const server = createServer((request: IncomingMessage, response) => {
    const url = new URL(request.url ?? '/', 'http://x')
    seen.push({
      method: request.method ?? '',
      path: url.pathname,
      db: url.searchParams.get('db'),
      auth: request.headers.authorization,
    })
    request.resume()
    request.on('end', () => {
      if (url.pathname === '/query') {
        response.setHeader('content-type', 'application/json')
        response.end(JSON.stringify({ results: [{ statement_id: 0 }] }))
      } else response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  const config = loadConfig({
    INFLUXDB_HOST: `http://127.0.0.1:${port}`,
    INFLUXDB_TOKEN: 'seed-token==',
    INFLUXDB_ORG: 'streamproc',
    INFLUXDB_BUCKET: 'events',
  })
  const tsdb = await openTimeSeries(config.influxUrl, { database: config.influxDatabase })
  await tsdb.ensureDatabase()
  await tsdb.write([{ measurement: 'event', tags: {}, fields: { amount: 1.5 }, timeNs: 1n }])
  await tsdb.countByBucket({
    measurement: 'event',
    field: 'amount',
    fromMs: 0,
    toMs: 10_000,
    bucketMs: 10_000,
  })
  assert.deepEqual(
    seen.map((r) => `${r.method} ${r.path} db=${r.db}`),
    ['POST /write db=events', 'GET /query db=events'],
    'no CREATE DATABASE with a token (a 2.x bucket must exist; 3.x creates it on write)',
  )
  assert.ok(
    seen.every((r) => r.auth === 'Token seed-token=='),
    JSON.stringify(seen),
  )
})

test("the seed's POSTGRES_* names reach the PostgreSQL server", async (t) => {
  const url = await requireServer(t, 'postgres')
  if (!url) return
  const real = new URL(url)
  const config = loadConfig({
    POSTGRES_HOST: real.hostname,
    POSTGRES_PORT: real.port || '5432',
    POSTGRES_USER: decodeURIComponent(real.username) || 'postgres',
    POSTGRES_PASSWORD: decodeURIComponent(real.password) || 'unused-with-trust',
    POSTGRES_DB: real.pathname.slice(1) || 'postgres',
    POSTGRES_USE_SSL: '0',
  })
  const db = await openDatabase(config.databaseUrl, {
    poolSize: 1,
    log: createLogger({ level: 'silent', format: 'json' }),
  })
  t.after(() => db.close())
  const { rows } = await db.query<{ user: string; db: string }>(
    'SELECT current_user AS user, current_database() AS db',
  )
  assert.deepEqual(rows, [
    { user: decodeURIComponent(real.username) || 'postgres', db: real.pathname.slice(1) || 'postgres' },
  ])
})
