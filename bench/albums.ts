// Benchmark (not a test): GET /albums page throughput, the store alone and through the proxy.
//   npm run bench:albums -- [--database memory|postgres] [--rows 100000] [--limit 100]
//                           [--connections 32] [--duration 10] [--warmup 2]
// It seeds a fresh database with `bakery seed-albums` (PGlite in a temp dir, or a new PostgreSQL
// database it drops afterwards), starts `bakery start album-store album-proxy` in a child process,
// then drives closed-loop GETs of random pages (random cursors) and prints req/s and latencies.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as hdr from 'hdr-histogram-js'
import pg from 'pg'
import { Pool } from 'undici'
import { encodeCursor } from '../src/albums/api/validate.ts'
import { runCli, startCli } from '../test/support/cli.ts'

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'memory' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    rows: { type: 'string', default: '100000' },
    limit: { type: 'string', default: '100' },
    connections: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
  },
})
const ROWS = Number(values.rows)
const LIMIT = Number(values.limit)
const CONNECTIONS = Number(values.connections)
const DURATION_S = Number(values.duration)
const WARMUP_S = Number(values.warmup)

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function prepareDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  if (values.database === 'postgres') {
    const admin = new pg.Client({ connectionString: values['postgres-url'] })
    await admin.connect()
    const name = `bakery_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`
    await admin.query(`CREATE DATABASE ${name}`)
    const url = new URL(values['postgres-url'])
    url.pathname = `/${name}`
    return {
      url: url.href,
      cleanup: async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await admin.end()
      },
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'bakery-bench-albums-'))
  return { url: `pglite://${dir}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
}

interface Result {
  requests: number
  errors: number
  seconds: number
  histogram: hdr.Histogram
}

/** Closed loop: each connection asks for a random page as soon as the previous one answered. */
async function drive(base: string, seconds: number): Promise<Result> {
  const pool = new Pool(base, { connections: CONNECTIONS })
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  })
  let requests = 0
  let errors = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const after = Math.floor(Math.random() * Math.max(1, ROWS - LIMIT))
        const t0 = performance.now()
        const response = await pool.request({
          method: 'GET',
          path: `/albums?limit=${LIMIT}&cursor=${encodeCursor(after)}`,
        })
        await response.body.text()
        histogram.recordValue(Math.round((performance.now() - t0) * 1000))
        if (response.statusCode === 200) requests++
        else errors++
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  await pool.close()
  return { requests, errors, seconds: elapsed, histogram }
}

function row(name: string, r: Result): string {
  const ms = (p: number) => (r.histogram.getValueAtPercentile(p) / 1000).toFixed(2)
  return `| ${name.padEnd(14)} | ${(r.requests / r.seconds).toFixed(0).padStart(8)} | ${(((r.requests * LIMIT) / r.seconds) | 0).toString().padStart(10)} | ${ms(50).padStart(7)} | ${ms(99).padStart(7)} | ${String(r.errors).padStart(6)} |`
}

const database = await prepareDatabase()
let stopChild: (() => void) | undefined
try {
  const env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn', BAKERY_ALBUM_RATE_LIMIT_MAX: '0' }
  const seedStarted = performance.now()
  const seeded = runCli(['seed-albums', '--count', String(ROWS)], { ...env, LOG_LEVEL: 'silent' })
  if (seeded.status !== 0) throw new Error(`seed-albums failed: ${seeded.stderr}`)
  console.log(`${seeded.stdout.trim()} (wall ${((performance.now() - seedStarted) / 1000).toFixed(1)} s)`)
  const [storePort, proxyPort] = [await freePort(), await freePort()]
  const cli = startCli(['start', 'album-store', 'album-proxy'], ['album-store', 'album-proxy'], {
    ...env,
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    BAKERY_ALBUM_STORE_PORT: String(storePort),
    BAKERY_ALBUM_PROXY_PORT: String(proxyPort),
    ALBUM_STORE_URL: `http://127.0.0.1:${storePort}`,
  })
  stopChild = () => cli.child.kill('SIGTERM')
  const urls = await cli.urls
  console.log(
    `\nGET /albums?limit=${LIMIT}&cursor=<random>, ${CONNECTIONS} connections, ${DURATION_S} s after ${WARMUP_S} s warm-up, database ${values.database}, ${ROWS} rows`,
  )
  console.log('| target         |   pages/s |   albums/s | p50 ms  | p99 ms  | errors |')
  console.log('|----------------|----------:|-----------:|--------:|--------:|-------:|')
  for (const [name, url] of [
    ['store', urls['album-store']],
    ['proxy → store', urls['album-proxy']],
  ] as const) {
    if (!url) throw new Error(`${name} did not start`)
    await drive(url, WARMUP_S)
    console.log(row(name, await drive(url, DURATION_S)))
  }
} finally {
  stopChild?.()
  await new Promise((resolve) => setTimeout(resolve, 500))
  await database.cleanup()
}
