// The InfluxDB 2 adapter's wire format: InfluxDB 2 is not installable on this machine (Debian ships
// 1.6, which has no /api/v2), so a loopback stand-in checks the requests the v2 API documents and
// answers in its annotated-CSV shape. The 1.x adapter runs against the real InfluxDB elsewhere.
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { loadPlatformConfig as loadConfig } from '../config/index.ts'
import { openTimeSeries } from './index.ts'
import { parseCountCsv } from './influx2.ts'

const CSV = `#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,long
#group,false,false,true,true,false,false
#default,_result,,,,,
,result,table,_start,_stop,_time,_value
,,0,2026-01-01T00:00:00Z,2026-01-01T00:00:20Z,2026-01-01T00:00:00Z,3
,,0,2026-01-01T00:00:00Z,2026-01-01T00:00:20Z,2026-01-01T00:00:10Z,0
`

test('influx2 reads the counts of an annotated CSV answer', () => {
  const t0 = Date.UTC(2026, 0, 1)
  assert.deepEqual(
    [...parseCountCsv(CSV)],
    [
      [t0, 3],
      [t0 + 10_000, 0],
    ],
  )
})

test('influx2 writes line protocol to /api/v2/write with org, bucket and token, and counts with Flux', async (t) => {
  const seen: { method: string; path: string; params: URLSearchParams; auth: string; body: string }[] = []
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    const url = new URL(request.url ?? '/', 'http://x')
    seen.push({
      method: request.method ?? '',
      path: url.pathname,
      params: url.searchParams,
      auth: request.headers.authorization ?? '',
      body,
    })
    if (url.pathname === '/api/v2/write') return response.writeHead(204).end()
    if (url.pathname === '/api/v2/query')
      return response.writeHead(200, { 'content-type': 'text/csv' }).end(CSV)
    if (url.pathname === '/api/v2/buckets' && request.method === 'GET')
      return response.writeHead(200, { 'content-type': 'application/json' }).end('{"buckets":[{"id":"b1"}]}')
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as AddressInfo).port
  const config = loadConfig({
    INFLUXDB_HOST: `http://127.0.0.1:${port}`,
    INFLUXDB_TOKEN: 's3cret token',
    INFLUXDB_ORG: 'bakers',
    INFLUXDB_BUCKET: 'events',
    BAKERY_INFLUX_API: 'v2',
  })
  const store = await openTimeSeries(config.influxUrl, {
    database: config.influxDatabase,
    api: config.influxApi,
    org: config.influxOrg,
  })
  await store.ensureDatabase()
  const t0 = Date.UTC(2026, 0, 1)
  await store.write([
    {
      measurement: 'event',
      tags: { partition: '0' },
      fields: { amount: 1.5 },
      timeNs: BigInt(t0) * 1_000_000n,
    },
  ])
  const counts = await store.countByBucket({
    measurement: 'event',
    field: 'amount',
    fromMs: t0,
    toMs: t0 + 20_000,
    bucketMs: 10_000,
  })
  assert.deepEqual(counts, [
    { time: t0, count: 3 },
    { time: t0 + 10_000, count: 0 },
  ])
  const write = seen.find((r) => r.path === '/api/v2/write')
  assert.ok(write)
  assert.equal(write.auth, 'Token s3cret token')
  assert.deepEqual(Object.fromEntries(write.params), { org: 'bakers', bucket: 'events', precision: 'ns' })
  assert.equal(write.body, `event,partition=0 amount=1.5 ${BigInt(t0) * 1_000_000n}`)
  const query = seen.find((r) => r.path === '/api/v2/query')
  assert.equal(query?.params.get('org'), 'bakers')
  const flux = (JSON.parse(query?.body ?? '{}') as { query: string }).query
  assert.match(flux, /from\(bucket: "events"\)/)
  assert.match(flux, /r\._measurement == "event" and r\._field == "amount"/)
  assert.match(flux, /aggregateWindow\(every: 10000ms, fn: count, createEmpty: true, timeSrc: "_start"\)/)
  assert.equal(seen.find((r) => r.path === '/api/v2/buckets')?.params.get('name'), 'events')
})

test('influx2 without an org or a token is a config error that names what is missing', async () => {
  await assert.rejects(
    openTimeSeries(new URL('http://127.0.0.1:8086'), { database: 'b', api: 'v2', org: 'o' }),
    /needs a token .* and INFLUX_ORG/,
  )
  assert.throws(() => loadConfig({ BAKERY_INFLUX_API: 'v3' }), /BAKERY_INFLUX_API/)
})
