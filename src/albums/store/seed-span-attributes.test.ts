import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base'
import { closeAlbumInfras, startStore } from '../../../test/support/albums.ts'
import { SEED_BODY_MAX } from './seed-span-attributes.ts'

// The file's PGlite, like every album test file's: an open one keeps the process up for its timers.
after(closeAlbumInfras)

test('album store server spans carry the seed attributes: request body, response body and code, size-capped', async (t) => {
  const exporter = new InMemorySpanExporter()
  const { url } = await startStore(t, 'memory://', { exporter })
  const album = { id: 77, title: 'Kind of Blue', artist: 'Miles Davis', price: 30.5 }
  const created = await fetch(`${url}/albums`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(album),
  })
  assert.equal(created.status, 201)
  const long = { id: 78, title: 'x'.repeat(2000), artist: 'y', price: 1 }
  const refused = await fetch(`${url}/albums`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(long),
  })
  assert.equal(refused.status, 400)
  assert.equal((await fetch(`${url}/albums/404`)).status, 404)

  const servers = exporter.getFinishedSpans().filter((s) => s.kind === 1)
  const post = servers.find(
    (s) => s.name === 'POST /albums' && s.attributes['album-store.response.code'] === 201,
  )
  assert.ok(post, servers.map((s) => s.name).join(', '))
  assert.deepEqual(JSON.parse(String(post.attributes['album-store.request.body'])), album)
  assert.deepEqual(JSON.parse(String(post.attributes['album-store.response.body'])), album)

  const bad = servers.find(
    (s) => s.name === 'POST /albums' && s.attributes['album-store.response.code'] === 400,
  )
  assert.ok(bad)
  const body = String(bad.attributes['album-store.request.body'])
  assert.equal(body.length, SEED_BODY_MAX + 1, 'cut to the cap, with an ellipsis')
  assert.ok(body.endsWith('…'))

  const missing = servers.find((s) => s.name === 'GET /albums/:id')
  assert.equal(missing?.attributes['album-store.response.code'], 404)
  assert.match(String(missing?.attributes['album-store.response.body']), /not found/)
  assert.equal(missing?.attributes['album-store.request.body'], undefined)
})
