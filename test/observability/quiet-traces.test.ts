// Traces worth reading: background work records no root spans by default, a consumer batch's
// database spans are children of the batch span, and BAKERY_TRACE_BACKGROUND shows it all again.
import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { setTimeout } from 'node:timers/promises'
import { createLogger } from '../../src/platform/log/index.ts'
import type { StoredSpan } from '../../src/platform/telemetry/index.ts'
import { createAggregator } from '../../src/stream/aggregator/index.ts'
import { createConsumerHigh } from '../../src/stream/consumer-high/index.ts'
import { createEventApi } from '../../src/stream/event-api/index.ts'
import { createProducer } from '../../src/stream/producer/index.ts'
import { startStack } from '../support/dashboard.ts'
import { type Mode, streamEnv, until } from '../support/stream.ts'

function allSpans(env: {
  telemetry: { spanStore: import('../../src/platform/telemetry/index.ts').SpanStore | undefined }
}) {
  const store = env.telemetry.spanStore
  assert.ok(store, 'the span store is on')
  const spans: StoredSpan[] = []
  store.each((span) => {
    spans.push(span)
    return true
  })
  return spans
}

async function runStream(t: TestContext, mode: Mode, extra: Record<string, string> = {}) {
  const env = await streamEnv(t, mode, extra)
  if (!env) return undefined
  const api = await env.start('event-api', createEventApi)
  await env.start('consumer-high', createConsumerHigh)
  const aggregator = await env.start('aggregator', createAggregator)
  const now = Date.now() - 5_000
  const events = Array.from({ length: 40 }, (_, i) => ({ time: now + i, amount: 6 + (i % 3) }))
  const posted = await fetch(`${api.url()}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  })
  assert.equal(posted.status, 200)
  await until('the aggregator counts every event', async () => {
    const body = (await (await fetch(`${aggregator.url()}/api?window=2m&bucket=10s`)).json()) as {
      points: { type: string; count: number }[]
    }
    return body.points.filter((p) => p.type === 'high').reduce((s, p) => s + p.count, 0) === events.length
  })
  return env
}

for (const mode of ['embedded', 'real'] as Mode[]) {
  describe(`quiet traces (${mode})`, () => {
    test('consumer-high records no orphan database spans: every one is a child of its batch span', async (t) => {
      const env = await runStream(t, mode)
      if (!env) return
      const spans = allSpans(env)
      const byId = new Map(spans.map((s) => [s.spanId, s]))
      const dbSpans = spans.filter((s) => s.service === 'consumer-high' && s.attributes['db.system.name'])
      assert.ok(dbSpans.length > 0, 'consumer-high wrote the batch with traced queries')
      for (const span of dbSpans) {
        assert.ok(span.parentSpanId, `${span.name} has a parent`)
        const parent = byId.get(span.parentSpanId)
        assert.ok(parent, `${span.name}'s parent is recorded`)
        assert.equal(parent.name, `${env.config.kafkaTopic} process`)
        assert.equal(parent.kind, 'consumer')
      }
      // Migrations, the aggregator's polls and the lag monitor ran too: none left a root span.
      const backgroundRoots = spans.filter((s) => s.parentSpanId === undefined && s.kind === 'client')
      assert.deepEqual(
        backgroundRoots.map((s) => `${s.service} ${s.name}`),
        [],
      )
    })
  })
}

test('BAKERY_TRACE_BACKGROUND=true records the background queries as root spans again', async (t) => {
  const env = await runStream(t, 'embedded', { BAKERY_TRACE_BACKGROUND: 'true' })
  assert.ok(env)
  const roots = allSpans(env).filter((s) => s.parentSpanId === undefined && s.kind === 'client')
  assert.ok(
    roots.some((s) => s.attributes['db.system.name'] === 'postgresql'),
    'a migration or poll query is a root span',
  )
})

async function receptionGets(t: TestContext, env: Record<string, string>) {
  const stack = await startStack(t, ['reception'], env)
  const reception = stack.urls.reception
  assert.ok(reception)
  // The dashboard's own poll of the order list, then a user's call of the same route.
  assert.equal((await fetch(`${stack.url}/api/svc/reception/orders`)).status, 200)
  assert.equal((await fetch(`${reception}/orders`)).status, 200)
  const store = stack.telemetry.spanStore
  assert.ok(store)
  return store.search({ service: 'reception', name: 'GET /orders', limit: 50 })
}

test('the dashboard calls to services are not traced; a user call of the same route is', async (t) => {
  const traces = await receptionGets(t, {})
  assert.equal(traces.length, 1, 'only the direct call left a trace')
})

test('BAKERY_TRACE_BACKGROUND=true traces the dashboard calls to services too', async (t) => {
  const traces = await receptionGets(t, { BAKERY_TRACE_BACKGROUND: 'true' })
  assert.equal(traces.length, 2)
})

test('the stream producer traces one post per interval and the consumers record only batches of traced posts', async (t) => {
  const env = await streamEnv(t, 'embedded', {
    BAKERY_STREAM_POST_INTERVAL_MS: '100',
    BAKERY_STREAM_RATE: '50',
  })
  assert.ok(env)
  const api = await env.start('event-api', createEventApi)
  await env.start('consumer-high', createConsumerHigh)
  const producer = createProducer({
    config: { ...env.config, streamApiUrl: new URL(`${api.url()}/`) },
    log: createLogger({ level: 'silent', format: 'json' }),
    telemetry: env.telemetry.forService('producer'),
    rootTelemetry: env.telemetry,
    infra: env.infra,
    port: 0,
  })
  await producer.start()
  t.after(() => producer.stop())
  const store = env.telemetry.spanStore
  assert.ok(store)
  const batches = () => allSpans(env).filter((s) => s.service === 'consumer-high' && s.kind === 'consumer')
  await until('a consumer batch of the traced post', async () => batches().length > 0)
  await setTimeout(1_000) // about ten more posts
  const posts = store.search({ service: 'event-api', name: 'POST /', limit: 50 })
  assert.equal(posts.length, 1, 'one traced post in the interval')
  for (const batch of batches())
    assert.ok(
      batch.links.some((l) => l.traceId === posts[0]?.traceId),
      'a recorded batch holds the traced post',
    )
})
