// Starts the coffee shop (payments, reception, barista) in this process for a test, embedded or on
// the real servers, and gives helpers to order and wait.
import type { TestContext } from 'node:test'
import { createBarista } from '../../src/coffee/barista/index.ts'
import { createPayments } from '../../src/coffee/payments/index.ts'
import { createCoffeeReception } from '../../src/coffee/reception/index.ts'
import type { HttpService } from '../../src/platform/http/index.ts'
import { freePort, type TestProcess, testProcess } from '../support/service-deps.ts'

export const ADMIN_TOKEN = 'coffee-test-token'

export interface Shop {
  proc: TestProcess
  reception: HttpService
  payments: HttpService
  order(body: unknown, headers?: Record<string, string>): Promise<Response>
  get(path: string): Promise<Response>
  admin(method: string, path: string, body?: unknown): Promise<Response>
  waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>
}

export async function startShop(t: TestContext, env: Record<string, string> = {}): Promise<Shop> {
  const paymentsPort = await freePort()
  const proc = testProcess(t, {
    BAKE_TIME_SCALE: '0.002',
    BAKERY_ADMIN_TOKEN: ADMIN_TOKEN,
    BAKERY_PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}`,
    BAKERY_OUTBOX_POLL_MS: '500',
    // Embedded PGlite runs queries on the event loop: on a busy CI machine the loop lags past the
    // shedding bound and orders meet 503s that are not what these tests are about. The back
    // pressure test sets its own bound.
    BAKERY_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  })
  const payments = createPayments(proc.deps('payments', paymentsPort))
  const reception = createCoffeeReception(proc.deps('coffee-reception'))
  await proc.start(payments, reception, createBarista(proc.deps('barista')))
  const base = reception.url()
  return {
    proc,
    reception,
    payments,
    order: (body, headers = {}) =>
      fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path) => fetch(`${base}${path}`),
    admin: (method, path, body) =>
      fetch(`${path.startsWith('http') ? '' : payments.url()}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async waitFor(what, fn, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const value = await fn()
        if (value !== undefined) return value
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
  }
}
