import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import pino from 'pino'
import { BakeryError, ErrorCode } from '../errors.ts'
import { BREAKER_STATE_VALUE, createBreakerRegistry } from './registry.ts'

class TestReader extends MetricReader {
  protected override async onShutdown() {}
  protected override async onForceFlush() {}
}

const log = pino({ level: 'silent' })

function setup() {
  const reader = new TestReader()
  const meter = new MeterProvider({ readers: [reader] }).getMeter('test')
  const registry = createBreakerRegistry()
  return { registry, reader, scope: { log, meter } }
}

const fast = { timeoutMs: 200, initialDelayMs: 1, maxDelayMs: 5, halfOpenAfterMs: 50, failureThreshold: 3 }

test('resilience policy retries an idempotent call with backoff when it fails then succeeds', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy({ name: 'flaky', ...fast, maxAttempts: 3 }, scope)
  let calls = 0
  const result = await policy.execute(
    async () => {
      calls++
      if (calls < 3) throw new Error('boom')
      return 'ok'
    },
    { idempotent: true },
  )
  assert.equal(result, 'ok')
  assert.equal(calls, 3)
  assert.equal(policy.snapshot().failures, 2, 'each failed attempt counts')
  assert.equal(policy.snapshot().lastFailure, 'boom')
})

test('resilience policy never retries a call when it is not idempotent', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy({ name: 'once', ...fast, maxAttempts: 5 }, scope)
  let calls = 0
  await assert.rejects(
    policy.execute(async () => {
      calls++
      throw new Error('boom')
    }),
    /boom/,
  )
  assert.equal(calls, 1)
})

test('resilience policy times an attempt out and aborts its signal when the dependency hangs', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy({ name: 'slow', ...fast, timeoutMs: 30, maxAttempts: 1 }, scope)
  let aborted = false
  await assert.rejects(
    policy.execute(async (signal) => {
      signal.addEventListener('abort', () => {
        aborted = true
      })
      await sleep(1000, undefined, { signal }).catch(() => undefined)
    }),
    (error: unknown) => error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_TIMEOUT,
  )
  assert.equal(aborted, true)
})

test('resilience breaker opens, fails fast, half-opens and closes when the dependency recovers', async () => {
  const { registry, scope, reader } = setup()
  const policy = registry.policy({ name: 'payments', ...fast, maxAttempts: 1 }, scope)
  const seen: string[] = []
  policy.onStateChange((to) => seen.push(to))
  let down = true
  let calls = 0
  const call = () =>
    policy.execute(async () => {
      calls++
      if (down) throw new Error('down')
      return 'ok'
    })
  for (let i = 0; i < 3; i++) await assert.rejects(call(), /down/)
  assert.equal(policy.state(), 'open')
  const before = calls
  await assert.rejects(
    call(),
    (error: unknown) => error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_CIRCUIT_OPEN,
  )
  assert.equal(calls, before, 'an open breaker does not call the dependency')
  down = false
  await sleep(80)
  assert.equal(await call(), 'ok')
  assert.equal(policy.state(), 'closed')
  assert.deepEqual(seen, ['open', 'half-open', 'closed'])
  const snapshot = registry.list().find((b) => b.name === 'payments')
  assert.equal(snapshot?.state, 'closed')
  assert.equal(snapshot?.transitions, 3)
  assert.equal(snapshot?.rejected, 1)
  assert.equal(snapshot?.failures, 3)

  const { resourceMetrics } = await reader.collect()
  const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)
  const transitions = metrics.find((m) => m.descriptor.name === 'bakery.circuit_breaker.transitions')
  const total = transitions?.dataPoints.reduce((sum, p) => sum + Number(p.value), 0)
  assert.equal(total, 3)
  const gauge = metrics.find((m) => m.descriptor.name === 'bakery.circuit_breaker.state')
  assert.equal(gauge?.dataPoints[0]?.value, 0)
})

test('resilience breaker records its state change as a span event on the call that tripped it', async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  const exporter = new InMemorySpanExporter()
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
    't',
  )
  const { registry, scope } = setup()
  const policy = registry.policy({ name: 'traced', ...fast, maxAttempts: 1, failureThreshold: 1 }, scope)
  await tracer.startActiveSpan('call payments', async (span) => {
    await policy.execute(async () => Promise.reject(new Error('down'))).catch(() => undefined)
    span.end()
  })
  const event = exporter.getFinishedSpans()[0]?.events.find((e) => e.name === 'circuit_breaker.state_change')
  assert.equal(event?.attributes?.['circuit_breaker.to'], 'open')
  assert.equal(trace.getActiveSpan(), undefined)
})

test('resilience errors a caller marks as not failures never open the breaker', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy(
    { name: 'client-errors', ...fast, maxAttempts: 3, isFailure: (e) => e.message !== 'bad request' },
    scope,
  )
  let calls = 0
  for (let i = 0; i < 5; i++) {
    await assert.rejects(
      policy.execute(
        async () => {
          calls++
          throw new Error('bad request')
        },
        { idempotent: true },
      ),
    )
  }
  assert.equal(calls, 5, 'a client error is not retried')
  assert.equal(policy.state(), 'closed')
})

test('resilience bulkhead rejects calls beyond its concurrency and queue when saturated', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy({ name: 'narrow', ...fast, concurrency: 1, bulkheadQueue: 0 }, scope)
  let release: () => void = () => undefined
  const first = policy.execute(() => new Promise<void>((resolve) => (release = resolve)))
  await assert.rejects(
    policy.execute(async () => undefined),
    (error: unknown) => error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_SATURATED,
  )
  release()
  await first
})

test('resilience open breaker tells callers when to come back (Retry-After seconds)', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy(
    { name: 'later', ...fast, maxAttempts: 1, failureThreshold: 1, halfOpenAfterMs: 2500 },
    scope,
  )
  await assert.rejects(policy.execute(async () => Promise.reject(new Error('down'))))
  await assert.rejects(
    policy.execute(async () => 'never'),
    (error: unknown) => {
      assert.ok(error instanceof BakeryError)
      assert.equal(error.code, ErrorCode.DEPENDENCY_CIRCUIT_OPEN)
      assert.equal(error.status, 503)
      assert.equal(error.retryAfterS, 3)
      return true
    },
  )
  assert.equal(policy.retryAfterS(), 3)
})

test('resilience timeouts count against the breaker even when isFailure excludes every error', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy(
    { name: 'hangs', ...fast, timeoutMs: 20, maxAttempts: 1, failureThreshold: 2, isFailure: () => false },
    scope,
  )
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      policy.execute((signal) => sleep(1000, undefined, { signal })),
      (error: unknown) => error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_TIMEOUT,
    )
  }
  assert.equal(policy.state(), 'open')
})

test('resilience registry exports each breaker on the meters of the services that use it', async () => {
  const registry = createBreakerRegistry()
  const services = ['coffee', 'albums'].map(() => {
    const reader = new TestReader()
    return { reader, scope: { log, meter: new MeterProvider({ readers: [reader] }).getMeter('test') } }
  })
  const [coffee, albums] = services as [(typeof services)[0], (typeof services)[0]]
  registry.policy({ name: 'payments', ...fast }, coffee.scope)
  registry.policy({ name: 'album-store', ...fast }, albums.scope)
  const shared = registry.policy({ name: 'database', ...fast, failureThreshold: 1 }, coffee.scope)
  assert.equal(registry.policy({ name: 'database' }, albums.scope), shared, 'one breaker per name')
  await assert.rejects(shared.execute(async () => Promise.reject(new Error('down'))))
  const states = async (reader: TestReader) => {
    const { resourceMetrics } = await reader.collect()
    const gauge = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'bakery.circuit_breaker.state')
    return Object.fromEntries(
      (gauge?.dataPoints ?? []).map((p) => [p.attributes['circuit_breaker.name'], p.value]),
    )
  }
  assert.deepEqual(await states(coffee.reader), { payments: 0, database: BREAKER_STATE_VALUE.open })
  assert.deepEqual(await states(albums.reader), { 'album-store': 0, database: 1 })
  assert.deepEqual(BREAKER_STATE_VALUE, { closed: 0, open: 1, 'half-open': 2, isolated: 3 })
})

test('resilience policy aborts the attempt when the caller cancels its own signal', async () => {
  const { registry, scope } = setup()
  const policy = registry.policy({ name: 'cancelled', ...fast, timeoutMs: 5000, maxAttempts: 1 }, scope)
  const caller = new AbortController()
  let aborted = false
  const call = policy.execute(
    (signal) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true
          reject(new Error('cancelled by the caller'))
        })
      }),
    { signal: caller.signal },
  )
  caller.abort()
  await assert.rejects(call, /cancelled by the caller/)
  assert.equal(aborted, true)
})
