// Contract tests: every operation in each service's generated OpenAPI 3.1 document is called on the
// running service, and every answer must have a documented status and match its schema.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { closeAlbumInfras, startProxy, startStore } from '../../test/support/albums.ts'

after(closeAlbumInfras)

interface Call {
  path: string
  method?: string
  body?: string
  headers?: Record<string, string>
  /** The status this call is meant to produce: the test proves each documented path is reachable. */
  expect: number
}

const json = { 'content-type': 'application/json' }
const album = (id: number) =>
  JSON.stringify({ id, title: 'Mingus Ah Um', artist: 'Charles Mingus', price: 20 })

/** Calls per operationId, in order (later calls rely on earlier ones). */
const calls: Record<string, Call[]> = {
  status: [{ path: '/status', expect: 200 }],
  listAlbums: [
    { path: '/albums', expect: 200 },
    { path: '/albums?limit=1&minPrice=1&maxPrice=100', expect: 200 },
    { path: '/albums?artist=John%20Coltrane', expect: 200 },
    { path: '/albums?limit=x', expect: 400 },
    { path: '/albums?cursor=bad', expect: 400 },
  ],
  getAlbum: [
    { path: '/albums/1', expect: 200 },
    { path: '/albums/x', expect: 400 },
    { path: '/albums/9999', expect: 404 },
  ],
  createAlbum: [
    { path: '/albums', method: 'POST', headers: json, body: album(50), expect: 201 },
    { path: '/albums', method: 'POST', headers: json, body: album(50), expect: 409 },
    { path: '/albums', method: 'POST', headers: json, body: '{"id":0}', expect: 400 },
    { path: '/albums', method: 'POST', headers: json, body: '{"id":', expect: 400 },
    {
      path: '/albums',
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<x/>',
      expect: 415,
    },
  ],
  updateAlbum: [
    {
      path: '/albums/50',
      method: 'PUT',
      headers: { ...json, 'if-match': '"v1"' },
      body: album(50),
      expect: 200,
    },
    {
      path: '/albums/50',
      method: 'PUT',
      headers: { ...json, 'if-match': '"v1"' },
      body: album(50),
      expect: 412,
    },
    { path: '/albums/51', method: 'PUT', headers: json, body: album(51), expect: 404 },
    { path: '/albums/50', method: 'PUT', headers: json, body: '{}', expect: 400 },
  ],
  deleteAlbum: [
    { path: '/albums/50', method: 'DELETE', headers: { 'if-match': '"v1"' }, expect: 412 },
    { path: '/albums/50', method: 'DELETE', headers: { 'if-match': '"v2"' }, expect: 204 },
    { path: '/albums/50', method: 'DELETE', expect: 404 },
    { path: '/albums/x', method: 'DELETE', expect: 400 },
  ],
}

interface Operation {
  operationId: string
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: object }> }
  >
}

async function checkContract(base: string) {
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
    openapi: string
    paths: Record<string, Record<string, Operation>>
    components: object
  }
  assert.equal(doc.openapi, '3.1.0')
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  const validators = new Map<object, ValidateFunction>()
  const validatorFor = (schema: object) => {
    let validate = validators.get(schema)
    if (!validate) {
      // Refs point at #/components/schemas/…; carry the components inside the compiled root.
      validate = ajv.compile({ ...schema, components: doc.components })
      validators.set(schema, validate)
    }
    return validate
  }
  const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods))
  assert.deepEqual(
    operations.map((o) => o.operationId).sort(),
    Object.keys(calls).sort(),
    'every operation is called',
  )
  let checked = 0
  for (const operation of operations) {
    for (const call of calls[operation.operationId] ?? []) {
      const init: RequestInit = { method: call.method ?? 'GET' }
      if (call.headers) init.headers = call.headers
      if (call.body !== undefined) init.body = call.body
      const response = await fetch(base + call.path, init)
      const where = `${operation.operationId} ${init.method} ${call.path}`
      assert.equal(response.status, call.expect, where)
      const documented = operation.responses[String(response.status)]
      assert.ok(documented, `${where}: status ${response.status} is not documented`)
      for (const header of Object.keys(documented.headers ?? {})) {
        if (header === 'link' && !call.path.includes('limit=1')) continue
        assert.ok(response.headers.get(header), `${where}: documented header ${header} missing`)
      }
      const text = await response.text()
      const schema = documented.content?.['application/json']?.schema
      if (response.status === 204) {
        assert.equal(text, '', where)
      } else {
        assert.ok(schema, `${where}: no schema documented`)
        const validate = validatorFor(schema)
        assert.ok(validate(JSON.parse(text)), `${where}: ${ajv.errorsText(validate.errors)} in ${text}`)
      }
      checked++
    }
  }
  return checked
}

describe('album OpenAPI contract', () => {
  test('album store answers every documented operation as its document says', async (t) => {
    const { url } = await startStore(t, 'memory://')
    assert.equal(await checkContract(url), 22)
  })

  test('album proxy answers every documented operation as its document says', async (t) => {
    const { url: store } = await startStore(t, 'memory://')
    const { url: proxy } = await startProxy(t, store)
    assert.equal(await checkContract(proxy), 22)
  })
})
