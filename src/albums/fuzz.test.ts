// Fuzzing the HTTP surface with fast-check: random and malformed bodies, query strings and headers
// never produce a 5xx, and any valid album round-trips. FUZZ_RUNS=50000 runs more.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import fc from 'fast-check'
import { closeAlbumInfras, startProxy, startStore } from '../../test/support/albums.ts'
import { fuzzRuns } from '../../test/support/fuzz.ts'
import { LIMITS } from './api/schemas.ts'

after(closeAlbumInfras)

const env = { BAKERY_ALBUM_RATE_LIMIT_MAX: '0' }
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')
const segment = fc.oneof(
  fc.integer({ min: -5, max: 20000 }).map(String),
  fc.string({ maxLength: 12 }),
  fc.constant(''),
)
const queryKey = fc.constantFrom('limit', 'cursor', 'artist', 'minPrice', 'maxPrice', 'x')
const queryValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.base64String(),
)
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'))
const path = fc.oneof(
  fc.constant('/albums'),
  query.map((q) => `/albums?${q}`),
  segment.map((s) => `/albums/${encodeURIComponent(s)}`),
)
const nearAlbum = fc.record(
  {
    id: fc.oneof(fc.integer({ min: -1, max: 10001 }), fc.jsonValue()),
    title: fc.oneof(fc.string({ maxLength: 5 }), fc.jsonValue()),
    artist: fc.oneof(fc.string({ maxLength: 5 }), fc.jsonValue()),
    price: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.jsonValue()),
  },
  { requiredKeys: [] },
)
const body = fc.option(
  fc.oneof(
    nearAlbum.map((a) => JSON.stringify(a)),
    fc.json(),
    fc.string({ maxLength: 30 }),
    fc.constantFrom('{"id":', '{', 'null', '[]', '""', '{"__proto__":{"x":1}}'),
  ),
  { nil: undefined },
)
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 20,
})
const headers = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom('application/json', 'text/plain', 'application/xml', 'application/json; charset=utf-8'),
      printable,
    ),
    'if-match': fc.oneof(fc.constantFrom('*', '"v1"', 'W/"v2"', '"v999999999999"'), printable),
    traceparent: printable,
  },
  { requiredKeys: [] },
)
const request = fc.record({ method, path, body, headers })

type Injectable = {
  app: {
    inject(options: object): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>
  }
}

async function neverFails(service: Injectable, runs: number) {
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const options: Record<string, unknown> = { method: r.method, url: r.path, headers: r.headers }
      if (r.body !== undefined && r.method !== 'GET') options.payload = r.body
      const response = await service.app.inject(options)
      assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body}`)
      if (String(response.headers['content-type'] ?? '').includes('json') && response.body)
        JSON.parse(response.body)
    }),
    { numRuns: runs },
  )
}

test('album store never answers 5xx to random requests', async (t) => {
  const { store } = await startStore(t, 'memory://', { env })
  await neverFails(store, fuzzRuns(2000))
})

test('album proxy never answers 5xx to random requests while the store is up', async (t) => {
  const { url } = await startStore(t, 'memory://', { env })
  const { proxy } = await startProxy(t, url, { env })
  await neverFails(proxy, fuzzRuns(300))
})

const validAlbum = fc
  .record({
    id: fc.integer({ min: 100, max: LIMITS.id.max }),
    title: fc
      .string({ unit: 'grapheme', minLength: LIMITS.text.min, maxLength: 50 })
      .filter((s) => [...s].length >= 2),
    artist: fc
      .string({ unit: 'binary', minLength: LIMITS.text.min, maxLength: 50 })
      .filter((s) => [...s].length >= 2 && !s.includes('\u0000')),
    price: fc.double({ noNaN: true, min: 0.01, max: LIMITS.price.max }),
  })
  .map((album) => ({ ...album }))

test('album store round-trips any valid album through POST, GET, PUT and DELETE', async (t) => {
  const { store } = await startStore(t, 'memory://', { env })
  await fc.assert(
    fc.asyncProperty(validAlbum, async (album) => {
      await store.app.inject({ method: 'DELETE', url: `/albums/${album.id}` })
      const created = await store.app.inject({ method: 'POST', url: '/albums', payload: album })
      assert.equal(created.statusCode, 201, created.body)
      assert.deepEqual(created.json(), album)
      assert.deepEqual((await store.app.inject(`/albums/${album.id}`)).json(), album)
      const changed = { ...album, price: LIMITS.price.max - album.price || 1 }
      const put = await store.app.inject({
        method: 'PUT',
        url: `/albums/${album.id}`,
        payload: changed,
        headers: { 'if-match': '"v1"' },
      })
      assert.equal(put.statusCode, 200, put.body)
      assert.deepEqual((await store.app.inject(`/albums/${album.id}`)).json(), changed)
      assert.equal((await store.app.inject({ method: 'DELETE', url: `/albums/${album.id}` })).statusCode, 204)
    }),
    { numRuns: fuzzRuns(200) },
  )
})
