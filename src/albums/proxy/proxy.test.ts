// The proxy against the real store (pass-through, nested spans) and against misbehaving upstreams
// (hanging, failing, non-JSON, down) for the timeout, retry, breaker and error mapping.
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, type TestContext, test } from 'node:test'
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base'
import { closeAlbumInfras, startProxy, startStore } from '../../../test/support/albums.ts'
import { loadConfig } from '../../config.ts'
import { storeUrlOf } from './index.ts'

after(closeAlbumInfras)

/** A real HTTP upstream that behaves as told; counts the requests it got. */
async function upstream(t: TestContext, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen = { count: 0 }
  const server = createServer((req, res) => {
    seen.count++
    handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  t.after(() => server.closeAllConnections())
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

async function deadUrl(t: TestContext): Promise<string> {
  const { url } = await upstream(t, () => {})
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return url.replace(/:\d+$/, `:${port}`)
}

const ADMIN_TOKEN = 'album-admin-token'

/** The proxy's album-store breaker as GET /admin/breakers shows it. */
async function breakerOf(proxy: string) {
  const response = await fetch(`${proxy}/admin/breakers`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  })
  assert.equal(response.status, 200)
  const { breakers } = (await response.json()) as {
    breakers: { name: string; state: string; failures: number }[]
  }
  const breaker = breakers.find((b) => b.name === 'album-store')
  return breaker && { name: breaker.name, state: breaker.state, failures: breaker.failures }
}

async function get(base: string, path: string, init: RequestInit = {}) {
  const response = await fetch(base + path, init)
  const text = await response.text()
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined }
}

test('album proxy forwards calls and passes store validation errors through', async (t) => {
  const { url: store } = await startStore(t, 'memory://')
  const { url: proxy } = await startProxy(t, store)
  assert.equal((await get(proxy, '/albums')).json.length, 3)
  const page = await get(proxy, '/albums?limit=1')
  assert.match(page.headers.get('link') ?? '', /^<\/albums\?limit=1&cursor=[\w-]+>; rel="next"$/)
  const invalid = await get(proxy, '/albums', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 0, title: 'aa', artist: 'zz', price: 5 }),
  })
  assert.deepEqual(
    [invalid.status, invalid.json],
    [400, { errors: [{ field: 'id', message: 'below minimum value' }], message: '' }],
  )
  const badJson = await get(proxy, '/albums', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"id":',
  })
  assert.deepEqual(badJson.json, { errors: null, message: 'invalid request json body {"id":' })
  assert.deepEqual((await get(proxy, '/albums/abc')).json, {
    errors: null,
    message: 'error invalid ID [abc] requested',
  })
  assert.equal((await get(proxy, '/albums/777')).status, 404)
  const etag = (await get(proxy, '/albums/2')).headers.get('etag') ?? ''
  const put = await get(proxy, '/albums/2', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-match': etag },
    body: JSON.stringify({ title: 'Jeru', artist: 'Gerry Mulligan', price: 18.5 }),
  })
  assert.deepEqual([put.status, put.headers.get('etag')], [200, '"v2"'])
  assert.equal(
    (await get(proxy, '/albums/2', { method: 'DELETE', headers: { 'if-match': etag } })).status,
    412,
  )
  assert.equal(
    (await get(proxy, '/albums/2', { method: 'DELETE', headers: { 'if-match': '"v2"' } })).status,
    204,
  )
})

test('album proxy trace nests proxy server, client, store server and db spans', async (t) => {
  const exporter = new InMemorySpanExporter()
  const { url: store } = await startStore(t, 'memory://', { exporter })
  const { url: proxy } = await startProxy(t, store, { exporter })
  assert.equal((await get(proxy, '/albums/1')).status, 200)
  const spans = exporter.getFinishedSpans()
  const proxyServer = spans.find(
    (s) =>
      s.name === 'GET /albums/:id' && s.resource.attributes['service.name'] === 'album-proxy' && s.kind === 1,
  )
  assert.ok(proxyServer, spans.map((s) => s.name).join(', '))
  const inTrace = spans.filter((s) => s.spanContext().traceId === proxyServer.spanContext().traceId)
  const childOf = (parent: (typeof spans)[number], kind: number) =>
    inTrace.find((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId && s.kind === kind)
  const client = childOf(proxyServer, 2)
  assert.ok(client, 'client span under the proxy server span')
  assert.equal(client.attributes['http.response.status_code'], 200)
  const storeServer = childOf(client, 1)
  assert.ok(storeServer, 'store server span under the client span')
  assert.equal(storeServer.resource.attributes['service.name'], 'album-store')
  const db = childOf(storeServer, 2)
  assert.ok(db, 'db span under the store server span')
  assert.equal(db.attributes['db.system.name'], 'postgresql')
})

test('album proxy answers 504 when the store hangs and retries GETs only', async (t) => {
  const hanging = await upstream(t, () => {})
  const env = { BAKERY_ALBUM_PROXY_TIMEOUT_MS: '100', BAKERY_ALBUM_PROXY_RETRIES: '2' }
  const { url: proxy } = await startProxy(t, hanging.url, { env })
  const slow = await get(proxy, '/albums/1')
  assert.equal(slow.status, 504)
  assert.deepEqual(slow.json, {
    errors: null,
    message: 'album-store did not answer within 100 ms getAlbumById',
  })
  assert.equal(hanging.seen.count, 3, 'one call and two retries')
  const post = await get(proxy, '/albums', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"id":5,"title":"ab","artist":"cd","price":1}',
  })
  assert.equal(post.status, 504)
  assert.equal(hanging.seen.count, 4, 'a POST is not retried')
})

test('album proxy maps a failing or non-JSON store to 502 and recovers on retry', async (t) => {
  let calls = 0
  const flaky = await upstream(t, (_req, res) => {
    calls++
    if (calls === 1)
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":null,"message":"boom"}')
    else if (calls === 2) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>')
    else res.writeHead(200, { 'content-type': 'application/json' }).end('[]')
  })
  const { url: proxy } = await startProxy(t, flaky.url, { env: { BAKERY_ALBUM_PROXY_RETRIES: '2' } })
  assert.deepEqual((await get(proxy, '/albums')).json, [], 'third attempt succeeds')
  calls = 0
  const post = await get(proxy, '/albums', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"id":5,"title":"ab","artist":"cd","price":1}',
  })
  assert.deepEqual(
    [post.status, post.json],
    [502, { errors: null, message: 'album-store returned error postAlbum' }],
  )
  const notJson = await get(proxy, '/albums/1', { method: 'DELETE' })
  assert.deepEqual(
    [notJson.status, notJson.json],
    [502, { errors: null, message: 'error from album-store Malformed JSON returned' }],
  )
})

test('album proxy opens the breaker when the store is down and then fails fast with 503', async (t) => {
  const env = {
    BAKERY_ALBUM_PROXY_RETRIES: '0',
    BAKERY_ALBUM_PROXY_BREAKER_FAILURES: '3',
    BAKERY_ALBUM_PROXY_BREAKER_HALF_OPEN_MS: '60000',
    BAKERY_ADMIN_TOKEN: ADMIN_TOKEN,
  }
  const { url: proxy } = await startProxy(t, await deadUrl(t), { env })
  assert.deepEqual(await breakerOf(proxy), { name: 'album-store', state: 'closed', failures: 0 })
  for (let i = 0; i < 3; i++) {
    const down = await get(proxy, '/albums')
    assert.equal(down.status, 502)
    assert.match(down.json.message, /^error contacting album-store getAlbums /)
  }
  const open = await get(proxy, '/albums')
  assert.equal(open.status, 503)
  assert.equal(open.headers.get('retry-after'), '60')
  assert.deepEqual(open.json, {
    errors: null,
    message: 'album-store unavailable (circuit open after repeated failures) getAlbums',
  })
  assert.deepEqual(await breakerOf(proxy), { name: 'album-store', state: 'open', failures: 3 })
  assert.equal((await fetch(`${proxy}/admin/breakers`)).status, 401, 'the admin API needs the token')
  // The one encoding of every breaker: 0 closed, 1 open, 2 half-open, 3 isolated.
  const metrics = await fetch(`${proxy}/metrics`).then((r) => r.text())
  assert.match(metrics, /^bakery_circuit_breaker_state\{[^}]*circuit_breaker_name="album-store"[^}]*\} 1$/m)
  assert.match(
    metrics,
    /^bakery_circuit_breaker_transitions_total\{[^}]*circuit_breaker_name="album-store"[^}]*state="open"[^}]*\} 1$/m,
  )
  assert.doesNotMatch(metrics, /album_proxy_breaker_state/, 'no second encoding')
})

test('album proxy breaker half-opens and closes again when the store comes back', async (t) => {
  let healthy = false
  const store = await upstream(t, (_req, res) => {
    if (healthy) res.writeHead(200, { 'content-type': 'application/json' }).end('[]')
    else res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":null,"message":"x"}')
  })
  const env = {
    BAKERY_ALBUM_PROXY_RETRIES: '0',
    BAKERY_ALBUM_PROXY_BREAKER_FAILURES: '2',
    BAKERY_ALBUM_PROXY_BREAKER_HALF_OPEN_MS: '1500',
    BAKERY_ADMIN_TOKEN: ADMIN_TOKEN,
  }
  const { url: proxy } = await startProxy(t, store.url, { env })
  for (let i = 0; i < 2; i++) assert.equal((await get(proxy, '/albums')).status, 502)
  const before = store.seen.count
  assert.equal((await get(proxy, '/albums')).status, 503)
  assert.equal(store.seen.count, before, 'an open breaker does not call the store')
  healthy = true
  await new Promise((resolve) => setTimeout(resolve, 1600))
  assert.deepEqual((await get(proxy, '/albums')).json, [], 'the trial call goes through')
  assert.equal((await breakerOf(proxy))?.state, 'closed')
})

test('album proxy targets the store on this host by default and ALBUM_STORE_URL when set', () => {
  assert.equal(storeUrlOf(loadConfig({})).href, 'http://127.0.0.1:9080/')
  assert.equal(storeUrlOf(loadConfig({ BAKERY_ALBUM_STORE_PORT: '9181' })).href, 'http://127.0.0.1:9181/')
  assert.equal(
    storeUrlOf(loadConfig({ ALBUM_STORE_URL: 'http://album-store:9080' })).href,
    'http://album-store:9080/',
  )
})
