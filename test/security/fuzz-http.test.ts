// Property-based fuzzing of every public HTTP API over real sockets: each route's fields filled
// with hostile values (NUL, unpaired surrogates, huge and deeply nested values, out-of-range
// numbers), repeated and malformed query parameters, raw deep JSON. Never a 5xx (a load-shedding
// 503 aside), every service stays up, memory stays bounded. The album APIs have their own fuzz
// test (src/albums/fuzz.test.ts). Fixed seed; FUZZ_RUNS=5000 FUZZ_SEED=… runs more or others.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { startStack } from '../support/dashboard.ts'
import { fuzzRuns } from '../support/fuzz.ts'
import { heldBytes, retainedBytes } from '../support/memory.ts'
import { waitFor } from '../support/processes.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 1903)

interface Route {
  service: string
  method: 'GET' | 'POST'
  path: fc.Arbitrary<string>
  fields?: readonly string[]
  query?: readonly string[]
  /** Items of a JSON array body (the event API takes a batch). */
  batch?: boolean
}

const hostileText = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\ud800', '\udfff', 'a', 'é', '😀', '"', '\\', '%', '\n'),
    maxLength: 24,
  }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('croissant', 'espresso', 'small', 'EUR', '1m', '10s', '100ms', `${'9'.repeat(300)}`),
)
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e-9, 1e308, -0, 8.64e15, 2 ** 53 + 1, -1, 0),
)
const deepValue = fc.integer({ min: 65, max: 3000 }).map((n) => {
  let value: unknown = 'x'
  for (let i = 0; i < n; i++) value = { v: value }
  return value
})
const hostileValue = fc.oneof(
  hostileText,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  deepValue,
  fc.constant({ toString: 1 }),
)

/** Percent-encodes any string; one with unpaired surrogates is sent as the raw UTF-8 of U+FFFD. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return '%EF%BF%BD'
  }
}

function bodyFor(route: Route): fc.Arbitrary<string | undefined> {
  const record = fc.dictionary(fc.constantFrom(...(route.fields ?? ['x'])), hostileValue, { maxKeys: 4 })
  const structured = route.batch ? fc.array(record, { maxLength: 5 }) : record
  return fc.oneof(
    { weight: 6, arbitrary: structured.map((value) => safeStringify(value)) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 100, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('{', 'null', '[]', '""', '{"__proto__":{"x":1}}', '\u0000') },
    { weight: 1, arbitrary: fc.constant(undefined) },
  )
}

/** JSON.stringify, except that a value nested too deep for it becomes the deep text itself. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch {
    return `${'{"v":'.repeat(5000)}1${'}'.repeat(5000)}`
  }
}

function queryFor(route: Route): fc.Arbitrary<string> {
  if (!route.query) return fc.constant('')
  // Keys drawn with repetition: window=1m&window=2m is one of the cases.
  return fc
    .array(fc.tuple(fc.constantFrom(...route.query, 'x'), hostileText), { maxLength: 4 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encode(v)}`).join('&')}` : ''))
}

const segment = fc.oneof(hostileText.map(encode), fc.constantFrom('a'.repeat(32), '1', '%00', '..%2f..'))

const ROUTES: Route[] = [
  { service: 'reception', method: 'POST', path: fc.constant('/orders'), fields: ['customer', 'pastry'] },
  { service: 'reception', method: 'GET', path: segment.map((s) => `/orders/${s}`) },
  { service: 'reception', method: 'GET', path: fc.constant('/orders'), query: ['cursor', 'limit', 'status'] },
  { service: 'reception', method: 'GET', path: segment.map((s) => `/orders/${s}/journey`) },
  {
    service: 'coffee-reception',
    method: 'POST',
    path: fc.constant('/orders'),
    fields: ['name', 'items', 'coffee', 'size'],
  },
  { service: 'coffee-reception', method: 'GET', path: segment.map((s) => `/orders/${s}`) },
  {
    service: 'payments',
    method: 'POST',
    path: fc.constant('/payments'),
    fields: ['orderId', 'amount', 'currency'],
  },
  {
    service: 'event-api',
    method: 'POST',
    path: fc.constant('/'),
    fields: ['time', 'amount', 'id'],
    batch: true,
  },
  { service: 'aggregator', method: 'GET', path: fc.constant('/api'), query: ['window', 'bucket'] },
  {
    service: 'dashboard',
    method: 'GET',
    path: fc.constant('/api/traces'),
    query: ['service', 'attribute', 'error', 'limit', 'minDurationMs', 'name'],
  },
  { service: 'dashboard', method: 'GET', path: segment.map((s) => `/api/traces/${s}`) },
  {
    service: 'dashboard',
    method: 'POST',
    path: fc.constant('/v1/traces'),
    fields: ['resourceSpans', 'traceId', 'spanId', 'attributes'],
  },
]

test('every public HTTP API answers hostile requests with a 4xx, never a 5xx, and stays up with bounded memory', async (t) => {
  const stack = await startStack(
    t,
    ['reception', 'coffee-reception', 'payments', 'event-api', 'aggregator'],
    {
      BAKERY_RATE_LIMIT_WRITES: '0',
      BAKERY_COFFEE_RATE_LIMIT: '0',
    },
  )
  const urls: Record<string, string> = { ...stack.urls, dashboard: stack.url }
  for (const url of Object.values(urls)) {
    await waitFor(`${url} ready`, 60_000, async () =>
      (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).ok ? true : undefined,
    )
  }
  const retainedBefore = retainedBytes()
  let peak = retainedBefore
  for (const route of ROUTES) {
    const request = fc.record({ path: route.path, query: queryFor(route), body: bodyFor(route) })
    await fc.assert(
      fc.asyncProperty(request, async ({ path, query, body }) => {
        const url = `${urls[route.service]}${path}${query}`
        const init: RequestInit = { method: route.method, signal: AbortSignal.timeout(30_000) }
        if (route.method === 'POST') {
          init.headers = { 'content-type': 'application/json', ...stack.auth }
          if (body !== undefined) init.body = body
        }
        const res = await fetch(url, init)
        const text = await res.text()
        const shed = res.status === 503 && text.includes('BKR_HTTP_OVERLOADED')
        assert.ok(
          res.status < 500 || shed,
          `${route.method} ${url.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`,
        )
        peak = Math.max(peak, heldBytes())
      }),
      { numRuns: fuzzRuns(40), seed: SEED, endOnFailure: true },
    )
  }
  for (const [name, url] of Object.entries(urls)) {
    assert.equal((await fetch(`${url}/healthz`)).status, 200, `${name} is up`)
  }
  // Peak: no request blows memory up while it runs. Retained: none leaves it behind.
  const mb = (bytes: number) => Math.round((bytes - retainedBefore) / 1e6)
  const peakMb = mb(peak)
  const retainedMb = mb(retainedBytes())
  console.log(`fuzz: heap + external grew ${peakMb} MB at peak, ${retainedMb} MB retained`)
  assert.ok(peakMb < 256, `heap + external grew ${peakMb} MB at peak`)
  assert.ok(retainedMb < 64, `heap + external retained ${retainedMb} MB`)
})
