// The stream system as a user starts it: one embedded process with all five services, the
// producer posting to the event API, and the seed's -x flag.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import net from 'node:net'
import { test } from 'node:test'
import { startCli } from '../support/cli.ts'
import { until } from '../support/stream.ts'

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

const STREAM = ['producer', 'event-api', 'consumer-high', 'consumer-low', 'aggregator']

test('bakery start runs the embedded stream pipeline when the producer feeds the event API', async (t) => {
  const apiPort = await freePort()
  const started = startCli(['start', ...STREAM], STREAM.slice(1), {
    HOST: '127.0.0.1',
    BAKERY_EVENT_API_PORT: String(apiPort),
    BAKERY_CONSUMER_HIGH_PORT: '0',
    BAKERY_CONSUMER_LOW_PORT: '0',
    BAKERY_AGGREGATOR_PORT: '0',
    BAKERY_WORKER_PORT: '0',
    BAKERY_STREAM_API_URL: `http://127.0.0.1:${apiPort}/`,
    BAKERY_STREAM_RATE: '200',
    BAKERY_STREAM_POST_INTERVAL_MS: '100',
    BAKERY_STREAM_FLUSH_MS: '50',
  })
  t.after(async () => {
    started.child.kill('SIGTERM')
    await once(started.child, 'exit')
  })
  const urls = await started.urls
  const counts = await until('both series filled', async () => {
    const body = (await (await fetch(`${urls.aggregator}/api?window=1m`)).json()) as {
      points: { count: number; type: string }[]
    }
    const sum = (type: string) => body.points.filter((p) => p.type === type).reduce((s, p) => s + p.count, 0)
    return sum('low') > 0 && sum('high') > 0 ? { low: sum('low'), high: sum('high') } : undefined
  })
  assert.ok(counts.low > 0 && counts.high > 0)
  const metrics = await (await fetch(`${urls['event-api']}/metrics`)).text()
  assert.match(metrics, /bakery_stream_events_ingested_total\{[^}]*service="event-api"[^}]*\} \d+/)
  const high = await (await fetch(`${urls['consumer-high']}/metrics`)).text()
  assert.match(high, /bakery_stream_consumer_lag\{[^}]*partition="0"[^}]*\} \d+/)
  assert.match(
    high,
    /bakery_stream_store_write_duration_seconds_count\{[^}]*db_system="postgres"[^}]*\} [1-9]/,
  )
  const low = await (await fetch(`${urls['consumer-low']}/metrics`)).text()
  assert.match(
    low,
    /bakery_stream_store_write_duration_seconds_count\{[^}]*db_system="influxdb"[^}]*\} [1-9]/,
  )
})

test('bakery event-api -x answers without doing anything', async (t) => {
  const started = startCli(['event-api', '-x'], ['event-api'], { HOST: '127.0.0.1', PORT: '0' })
  t.after(async () => {
    started.child.kill('SIGTERM')
    await once(started.child, 'exit')
  })
  const urls = await started.urls
  const response = await fetch(`${urls['event-api']}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '[{"time":1,"amount":"1"}]',
  })
  assert.deepEqual(await response.json(), { message: 'processing disabled, did nothing' })
})
