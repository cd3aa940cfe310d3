import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { HttpApp } from '../../platform/http/index.ts'
import { useAlbumConventions, useLenientJson } from './http.ts'

function app(fail: () => Error) {
  const server = Fastify()
  useAlbumConventions(server)
  server.register(async (scope) => {
    useLenientJson(scope as unknown as HttpApp)
    scope.post('/echo', async (request) => ({ body: request.body ?? 'none' }))
  })
  server.get('/fail', async () => {
    throw fail()
  })
  return server
}

test('album error handler answers 503 with Retry-After when the database is unreachable', async (t) => {
  const server = app(() =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
  )
  t.after(() => server.close())
  const reply = await server.inject('/fail')
  assert.equal(reply.statusCode, 503)
  assert.equal(reply.headers['retry-after'], '1')
  assert.deepEqual(reply.json(), { errors: null, message: 'database unavailable, retry later' })
})

test('album error handler hides server faults and keeps client errors in the seed body', async (t) => {
  const secret = app(() => new Error('secret detail'))
  t.after(() => secret.close())
  const hidden = await secret.inject('/fail')
  assert.deepEqual([hidden.statusCode, hidden.json()], [500, { errors: null, message: 'internal error' }])
  const conflict = app(
    () => new BakeryError(ErrorCode.ALBUM_CONFLICT, 'Album [1] already exists', { status: 409 }),
  )
  t.after(() => conflict.close())
  const answer = await conflict.inject('/fail')
  assert.deepEqual(
    [answer.statusCode, answer.json()],
    [409, { errors: null, message: 'Album [1] already exists' }],
  )
  const empty = await conflict.inject({
    method: 'POST',
    url: '/echo',
    headers: { 'content-type': 'application/json' },
  })
  assert.deepEqual(empty.json(), { body: 'none' })
  const broken = await conflict.inject({
    method: 'POST',
    url: '/echo',
    headers: { 'content-type': 'application/json' },
    payload: '{',
  })
  assert.deepEqual(
    [broken.statusCode, broken.json()],
    [400, { errors: null, message: 'Malformed JSON. Not valid for Album' }],
  )
})
