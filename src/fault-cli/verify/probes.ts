// The bounded loads a self-test drives and the readings it takes: a few requests at a time, span
// durations and statuses from the trace store, values from a service's metrics.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import type { VerifyStack } from './stack.ts'

export interface Answer {
  status: number
  ms: number
  /** A transport failure (reset, refused) instead of an answer. */
  error?: string
}

export async function send(url: string, method: string, body?: unknown, timeoutMs = 5000): Promise<Answer> {
  const started = performance.now()
  try {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.arrayBuffer()
    return { status: response.status, ms: performance.now() - started }
  } catch (error) {
    return { status: 0, ms: performance.now() - started, error: (error as Error).message }
  }
}

/** `n` requests at once (a small bounded burst). */
export function burst(n: number, call: () => Promise<Answer>): Promise<Answer[]> {
  return Promise.all(Array.from({ length: n }, call))
}

export const pay = (stack: VerifyStack) => () =>
  send(`${stack.url('payments')}/payments`, 'POST', { orderId: randomUUID(), amount: 2.5 })
export const albums = (stack: VerifyStack) => () => send(`${stack.url('album-proxy')}/albums`, 'GET')
export const order = (stack: VerifyStack) => () =>
  send(`${stack.url('reception')}/orders`, 'POST', { customer: 'verify', pastry: 'croissant' })
export const journey = (stack: VerifyStack) => () =>
  send(`${stack.url('reception')}/orders/${randomUUID().replaceAll('-', '')}/journey`, 'GET')
export const events = (stack: VerifyStack) => () =>
  send(`${stack.url('event-api')}/`, 'POST', [{ time: Date.now(), amount: 1 }])

export const durationMs = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6
export const isError = (span: ReadableSpan) => span.status.code === SpanStatusCode.ERROR
export const statusOf = (span: ReadableSpan) => span.attributes['http.response.status_code']

export function spansNamed(
  stack: VerifyStack,
  service: string,
  since: number,
  test: (s: ReadableSpan) => boolean,
) {
  return stack.spans(service, since).filter(test)
}
export const serverSpans = (stack: VerifyStack, service: string, since: number) =>
  spansNamed(stack, service, since, (s) => s.kind === SpanKind.SERVER)
export const clientSpans = (stack: VerifyStack, service: string, since: number) =>
  spansNamed(stack, service, since, (s) => s.kind === SpanKind.CLIENT)

/** Waits for spans ended asynchronously (publish after the answer, consumers). */
export async function settle(ms = 150): Promise<void> {
  await sleep(ms)
}

/** The sum of a metric's series in Prometheus text (name without suffix matching a prefix). */
export function metricValue(text: string, name: string): number | undefined {
  let total: number | undefined
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue
    const rest = line.slice(name.length)
    if (!/^(_[a-z_]+)?(\{|\s)/.test(rest)) continue
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (Number.isFinite(value)) total = (total ?? 0) + value
  }
  return total
}

/** The largest timer lag over `ms` (what nodejs.eventloop.delay measures). */
export async function loopLag(ms: number): Promise<number> {
  let worst = 0
  const end = performance.now() + ms
  while (performance.now() < end) {
    const before = performance.now()
    await sleep(10)
    worst = Math.max(worst, performance.now() - before - 10)
  }
  return worst
}
