// The seed contract of the album store (limits, messages, error body, seeded albums, probes) plus
// our fixes (404, 409, 400 on wrong types) and additions (filters, ETag/If-Match), on both adapters.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base'
import { albumAdapters, closeAlbumInfras, startStore } from '../../../test/support/albums.ts'

after(closeAlbumInfras)

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
  }
  const response = await fetch(base + path, init)
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
  }
}

const SEEDED = [
  { id: 1, title: 'Blue Train', artist: 'John Coltrane', price: 56.99 },
  { id: 2, title: 'Jeru', artist: 'Gerry Mulligan', price: 17.99 },
  { id: 3, title: 'Sarah Vaughan and Clifford Brown', artist: 'Sarah Vaughan', price: 39.99 },
]

for (const adapter of albumAdapters) {
  describe(`album store on ${adapter.name}`, () => {
    test('album store serves the seeded albums, status and swagger when started', async (t) => {
      const url = await adapter.url(t)
      if (!url) return
      const { url: base } = await startStore(t, url)
      assert.deepEqual((await call(base, 'GET', '/albums')).json, SEEDED)
      const one = await call(base, 'GET', '/albums/2')
      assert.equal(one.status, 200)
      assert.deepEqual(one.json, SEEDED[1])
      assert.equal(one.headers.get('etag'), '"v1"')
      assert.deepEqual((await call(base, 'GET', '/status')).json, { status: 'OK' })
      const swagger = await call(base, 'GET', '/swagger/index.html')
      assert.equal(swagger.status, 302)
      const ui = await fetch(new URL(swagger.headers.get('location') ?? '', base))
      assert.equal(ui.status, 200)
      assert.match(await ui.text(), /swagger-ui/i)
      const doc = (await call(base, 'GET', '/openapi.json')).json
      assert.equal(doc.openapi, '3.1.0')
      assert.ok(doc.paths['/albums/{id}'].put)
      assert.match((await call(base, 'GET', '/metrics')).text, /http_server_request_duration_seconds/)
    })

    test('album store answers the seed 400s and our 404/409 with the {errors, message} body', async (t) => {
      const url = await adapter.url(t)
      if (!url) return
      const { url: base } = await startStore(t, url)
      assert.deepEqual(await call(base, 'GET', '/albums/x').then((r) => [r.status, r.json]), [
        400,
        { errors: null, message: 'Album [x] not found, invalid request' },
      ])
      assert.deepEqual(await call(base, 'GET', '/albums/666').then((r) => [r.status, r.json]), [
        404,
        { errors: null, message: 'Album [666] not found' },
      ])
      for (const bad of ['{"id":', '', '[]']) {
        const reply = await call(base, 'POST', '/albums', bad)
        assert.equal(reply.status, 400, bad)
        assert.deepEqual(reply.json, { errors: null, message: 'Malformed JSON. Not valid for Album' })
      }
      const invalid = await call(base, 'POST', '/albums', {
        id: 50000000,
        title: 'aa',
        artist: 'zz',
        price: 20000,
      })
      assert.deepEqual(
        [invalid.status, invalid.json],
        [
          400,
          {
            errors: [
              { field: 'id', message: 'above maximum value' },
              { field: 'price', message: 'above maximum value' },
            ],
            message: '',
          },
        ],
      )
      const wrongType = await call(base, 'POST', '/albums', { id: 'x', title: 'aa', artist: 'zz', price: 2 })
      assert.deepEqual(
        [wrongType.status, wrongType.json.errors],
        [400, [{ field: 'id', message: 'wrong type, expected integer' }]],
      )
      assert.equal(
        (await call(base, 'GET', '/albums?limit=2')).json.length,
        2,
        'nothing stored by the failures',
      )
      const created = await call(base, 'POST', '/albums', {
        id: 10,
        title: 'Kind of Blue',
        artist: 'Miles Davis',
        price: 12.5,
      })
      assert.equal(created.status, 201)
      assert.equal(created.headers.get('location'), '/albums/10')
      const duplicate = await call(base, 'POST', '/albums', {
        id: 10,
        title: 'Other',
        artist: 'Else',
        price: 1,
      })
      assert.deepEqual(
        [duplicate.status, duplicate.json],
        [409, { errors: null, message: 'Album [10] already exists' }],
      )
      assert.equal((await call(base, 'GET', '/albums/10')).json.title, 'Kind of Blue')
    })

    test('album store guards PUT and DELETE with ETag/If-Match when clients race', async (t) => {
      const url = await adapter.url(t)
      if (!url) return
      const { url: base } = await startStore(t, url)
      const tag = (await call(base, 'GET', '/albums/1')).headers.get('etag') ?? ''
      const change = { title: 'Blue Train (Remastered)', artist: 'John Coltrane', price: 60 }
      const first = await call(base, 'PUT', '/albums/1', change, { 'if-match': tag })
      assert.equal(first.status, 200)
      assert.deepEqual(first.json, { id: 1, ...change })
      assert.equal(first.headers.get('etag'), '"v2"')
      const lost = await call(base, 'PUT', '/albums/1', { ...change, price: 1 }, { 'if-match': tag })
      assert.equal(lost.status, 412)
      assert.equal((await call(base, 'GET', '/albums/1')).json.price, 60)
      assert.equal((await call(base, 'PUT', '/albums/99', change)).status, 404)
      assert.equal((await call(base, 'PUT', '/albums/1', { ...change, id: 2 })).status, 400)
      assert.equal((await call(base, 'DELETE', '/albums/1', undefined, { 'if-match': tag })).status, 412)
      assert.equal((await call(base, 'DELETE', '/albums/1', undefined, { 'if-match': '"v2"' })).status, 204)
      assert.equal((await call(base, 'GET', '/albums/1')).status, 404)
      assert.equal((await call(base, 'DELETE', '/albums/1')).status, 404)
      // Unconditional writes still work, as in the seed.
      assert.equal((await call(base, 'PUT', '/albums/2', change)).status, 200)
    })

    test('album store filters by artist and price range within cursor pages', async (t) => {
      const url = await adapter.url(t)
      if (!url) return
      const { url: base } = await startStore(t, url)
      for (const [id, price] of [
        [20, 5],
        [21, 15],
        [22, 25],
        [23, 35],
      ]) {
        await call(base, 'POST', '/albums', { id, title: `Take ${id}`, artist: 'Dave Brubeck', price })
      }
      const page = await call(base, 'GET', '/albums?artist=Dave%20Brubeck&minPrice=10&maxPrice=30&limit=1')
      assert.deepEqual(
        page.json.map((a: { id: number }) => a.id),
        [21],
      )
      const link = page.headers.get('link') ?? ''
      const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1]
      assert.ok(next, link)
      assert.match(next, /artist=Dave\+Brubeck/)
      const second = await call(base, 'GET', next)
      assert.deepEqual(
        second.json.map((a: { id: number }) => a.id),
        [22],
      )
      assert.equal(second.headers.get('link'), null, 'last page has no next link')
      assert.deepEqual((await call(base, 'GET', '/albums?limit=0')).json, {
        errors: [{ field: 'limit', message: 'below minimum value' }],
        message: '',
      })
    })

    test('album store records a db span inside the server span without literal values', async (t) => {
      const url = await adapter.url(t)
      if (!url) return
      const exporter = new InMemorySpanExporter()
      const { url: base } = await startStore(t, url, { exporter })
      await call(base, 'GET', '/albums/3')
      const spans = exporter.getFinishedSpans()
      const server = spans.find((s) => s.name === 'GET /albums/:id')
      const db = spans.find(
        (s) => s.name.startsWith('SELECT ') && s.spanContext().traceId === server?.spanContext().traceId,
      )
      assert.ok(server && db, spans.map((s) => s.name).join(', '))
      assert.equal(db.parentSpanContext?.spanId, server.spanContext().spanId)
      assert.equal(server.attributes['album-store.request.parameters'], 'ID=3')
      assert.match(String(db.attributes['db.query.text']), /WHERE id = \$1/)
    })
  })
}
