// The dashboard's OTLP receiver under hostile bodies: gzip bombs, deep values, objects where
// strings belong. Each answer is a 4xx and the process keeps its memory.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { OTLP_LIMITS } from '../../src/dashboard/otlp.ts'
import { ErrorCode } from '../../src/platform/errors.ts'
import { startDashboard } from '../support/dashboard.ts'

const TRACE = 'a'.repeat(32)
const SPAN = 'b'.repeat(16)
const request = (attributes: unknown, spanFields: Record<string, unknown> = {}) => ({
  resourceSpans: [
    { scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, name: 's', attributes, ...spanFields }] }] },
  ],
})

/** Length-delimited protobuf field `number` holding `body`. */
function field(number: number, body: Buffer): Buffer {
  const length: number[] = []
  let n = body.length
  while (n > 127) {
    length.push((n & 127) | 128)
    n >>>= 7
  }
  length.push(n)
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), body])
}

test('otlp receiver inflates gzip only up to the body limit: a 60 MB attribute in 60 KB is 413, RSS flat', async (t) => {
  const { url, telemetry } = await startDashboard(t)
  const bomb = gzipSync(
    JSON.stringify(request([{ key: 'k', value: { stringValue: 'x'.repeat(60 * 1024 * 1024) } }])),
  )
  assert.ok(bomb.length < 100 * 1024)
  const before = process.memoryUsage().rss
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: bomb,
  })
  assert.equal(res.status, 413)
  assert.equal((await res.json()).code, ErrorCode.HTTP_PAYLOAD_TOO_LARGE)
  const grownMb = (process.memoryUsage().rss - before) / 1e6
  assert.ok(grownMb < 40, `RSS grew ${grownMb.toFixed(0)} MB`)
  assert.equal(telemetry.spanStore?.getTrace(TRACE).length, 0)
})

test('otlp receiver answers 400 to values nested past the depth cap, in JSON and protobuf, without recursion', async (t) => {
  const { url } = await startDashboard(t)
  const n = 20_000
  const deep = `${'{"arrayValue":{"values":['.repeat(n)}{"stringValue":"x"}${']}}'.repeat(n)}`
  const json = JSON.stringify(request([{ key: 'k', value: 'DEEP' }])).replace('"DEEP"', deep)
  const viaJson = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: json,
  })
  assert.equal(viaJson.status, 400)
  assert.match((await viaJson.json()).message, /nest deeper than/)

  let value = field(1, Buffer.from('x'))
  for (let i = 0; i < n; i++) value = field(5, field(1, value))
  const span = Buffer.concat([
    field(1, Buffer.alloc(16, 0xaa)),
    field(2, Buffer.alloc(8, 0xbb)),
    field(9, Buffer.concat([field(1, Buffer.from('k')), field(2, value)])),
  ])
  const viaProto = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(field(1, field(2, field(2, span)))),
  })
  assert.equal(viaProto.status, 400)
})

test('otlp receiver refuses objects where ids belong and caps what one span keeps', async (t) => {
  const { url, telemetry } = await startDashboard(t)
  const post = (body: unknown) =>
    fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const hostile = await post({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: { toString: 1 }, spanId: SPAN }] }] }],
  })
  assert.equal(hostile.status, 400)
  assert.deepEqual((await hostile.json()).errors, [
    { field: 'traceId', message: 'span "" has an invalid traceId' },
  ])
  assert.equal(
    (await post({ resourceSpans: [{ resource: { attributes: { toString: 1 } }, scopeSpans: 7 }] })).status,
    200,
  )

  const many = Array.from({ length: 150 }, (_, i) => ({
    key: `k${i}`,
    value: { stringValue: 'v'.repeat(5_000) },
  }))
  assert.equal((await post(request(many, { name: 'n'.repeat(10_000) }))).status, 200)
  const [stored] = telemetry.spanStore?.getTrace(TRACE) ?? []
  assert.equal(Object.keys(stored?.attributes ?? {}).length, OTLP_LIMITS.maxAttributes)
  assert.equal(String(stored?.attributes.k0).length, OTLP_LIMITS.maxValueLength)
  assert.equal(stored?.name.length, OTLP_LIMITS.maxValueLength)
})
