// The edge every HTTP service shares: request ids, slow-body clients, per-client write limits.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { type TestContext, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { createHttpService, httpEdge } from '../../src/platform/http/index.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import { createTelemetry } from '../../src/platform/telemetry/index.ts'

async function startEcho(t: TestContext, env: Record<string, string> = {}) {
  const config = loadConfig({ HOST: '127.0.0.1', ...env })
  const service = createHttpService({
    name: 'echo',
    host: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent', format: 'json' }),
    telemetry: createTelemetry(config).forService('echo'),
    bodyLimit: config.bodyLimitBytes,
    edge: httpEdge(config),
    routes(app) {
      app.post('/things', async (request) => ({ ip: request.ip }))
      app.get('/things', async () => ({ ok: true }))
    },
  })
  await service.start()
  t.after(() => service.stop())
  return service.url()
}

test('http edge keeps a well-formed x-request-id and replaces an over-long or odd one', async (t) => {
  const url = await startEcho(t)
  const id = async (value: string) =>
    (await fetch(`${url}/things`, { headers: { 'x-request-id': value } })).headers.get('x-request-id')
  assert.equal(await id('order-42.retry:1'), 'order-42.retry:1')
  for (const bad of ['x'.repeat(3000), 'a b', '<script>']) {
    const echoed = await id(bad)
    assert.match(echoed ?? '', /^[0-9a-f-]{36}$/, `replaced ${bad.slice(0, 20)}`)
  }
})

test('http edge drops a client that trickles its body within 20 s', async (t) => {
  const url = new URL(await startEcho(t))
  const started = Date.now()
  const socket = connect(Number(url.port), url.hostname)
  t.after(() => socket.destroy())
  socket.write(
    `POST /things HTTP/1.1\r\nHost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`,
  )
  const drip = setInterval(() => socket.write(' '), 500)
  let answer = ''
  socket.on('data', (chunk) => {
    answer += chunk
  })
  await new Promise((resolve) => socket.once('close', resolve))
  clearInterval(drip)
  const heldS = (Date.now() - started) / 1000
  assert.ok(heldS <= 20, `held ${heldS.toFixed(1)} s`)
  assert.match(answer, /^HTTP\/1\.1 408/)
})

test('http edge answers 429 with Retry-After past the per-client write limit, and counts clients apart behind a trusted proxy', async (t) => {
  const url = await startEcho(t, { BAKERY_RATE_LIMIT_WRITES: '3', BAKERY_TRUST_PROXY: '127.0.0.1' })
  const write = (client: string) =>
    fetch(`${url}/things`, { method: 'POST', headers: { 'x-forwarded-for': client } })
  // A fresh one-second window, so all writes below fall into one.
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5))
  const statuses = []
  for (let i = 0; i < 5; i++) statuses.push((await write('203.0.113.1')).status)
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200])
  const limited = await write('203.0.113.1')
  assert.equal(limited.status, 429)
  assert.equal(limited.headers.get('retry-after'), '1')
  assert.match((await limited.json()).message, /BAKERY_RATE_LIMIT_WRITES/)
  const other = await write('203.0.113.2')
  assert.equal(other.status, 200)
  assert.deepEqual(await other.json(), { ip: '203.0.113.2' })
  assert.equal((await fetch(`${url}/things`)).status, 200, 'reads are not limited')
})

test('http edge believes X-Forwarded-For only when told to', async (t) => {
  const url = await startEcho(t)
  const res = await fetch(`${url}/things`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' } })
  assert.deepEqual(await res.json(), { ip: '127.0.0.1' })
})
