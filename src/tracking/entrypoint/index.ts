// The entrypoint of the order journey, through the bakery reception's hooks (wired in
// services.ts): it records the "accepted" hop of every order the reception accepts, serves
// GET /orders/:key/journey, and lets POST /orders wait for the finished order (RFC 7240
// `Prefer: wait=N`). Its calls to a Redis store go through the `tracking-store` breaker (timeout
// BAKERY_TRACKING_TIMEOUT_MS): while Redis is away, POST /orders skips the accepted hop at once
// instead of waiting, and the journey answers 503 + Retry-After. Waits are not guarded: their
// reads wait out a restart in the connection's offline queue, and a re-check follows a reconnect.
import { hostname } from 'node:os'
import { Type } from 'typebox'
import type { AcceptedAnswer, ReceptionHooks } from '../../bakery/orders/contract.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { TrackingDeps } from '../config.ts'
import { createHopTracker, type HopTracker } from '../hop.ts'
import { field, journeyView, nowMs } from '../journey.ts'
import { registerActivityGauges } from '../metrics.ts'
import { processTrackingStore, type TrackingStore } from '../store/index.ts'
import { type CompletionWaiter, createCompletionWaiter } from '../waiter.ts'
import { preferredWait } from './prefer.ts'

const ORDER_KEY = '^[0-9a-f]{32}$'

export function createEntrypoint(deps: TrackingDeps): ReceptionHooks {
  const { config, log } = deps
  let store: TrackingStore | undefined
  let tracker: HopTracker | undefined
  let waiter: CompletionWaiter | undefined
  const arrivals = new WeakMap<object, number>()

  const policy = deps.infra.breakers.policy(
    {
      name: 'tracking-store',
      timeoutMs: config.trackingTimeoutMs,
      maxAttempts: 2,
      failureThreshold: 5,
      halfOpenAfterMs: 2000,
    },
    { log, meter: deps.telemetry.meter },
  )

  /** Through the breaker when the store is Redis; the embedded store is never away (no overhead). */
  function guarded<T>(call: () => Promise<T>, idempotent: boolean): Promise<T> {
    return store?.kind === 'redis' ? policy.execute(call, { idempotent }) : call()
  }

  async function recordAccepted(key: string, startedAt: number, endedAt: number | undefined): Promise<void> {
    const hop = tracker
    // Not retried: a client is waiting for this POST's answer.
    if (hop) await guarded(() => hop.run({ key, startedAt, endedAt }, async () => undefined), false)
  }

  return {
    breakers: [policy],
    async start() {
      store = await processTrackingStore(deps)
      tracker = createHopTracker({
        hop: 'accepted',
        store,
        tracer: deps.telemetry.tracer,
        meter: deps.telemetry.meter,
        log,
        heartbeatMs: config.heartbeatMs,
        workerId: `reception@${hostname()}:${process.pid}`,
      })
      waiter = createCompletionWaiter(store, log)
      // Orders are taken without Redis too; a later wait retries the subscription.
      waiter.start().catch((error: unknown) => log.error({ err: error }, 'tracking subscription failed'))
      registerActivityGauges(deps.telemetry.meter, store, config.stallAfterMs, log, (read) =>
        guarded(read, true),
      )
      const current = waiter
      deps.telemetry.meter
        .createObservableGauge('tracking.waits.active', {
          description: 'POST /orders requests of this process waiting for their order (Prefer: wait)',
          unit: '{request}',
        })
        .addCallback((result) => result.observe(current.waiting))
    },
    async stop() {
      waiter?.close()
    },
    async accepted({ orderKey: key, request, prefer }): Promise<AcceptedAnswer | undefined> {
      // The hop ends now, when the reception has stored the order (the outbox hands it on), not
      // when the answer is written: the next hop may already be running by then.
      const handedOff = nowMs()
      try {
        await recordAccepted(key, arrivals.get(request) ?? handedOff, handedOff)
      } catch (error) {
        // The order is stored and queued: tracking trouble must not fail it. An open breaker
        // says so once (when it opened), not once per order.
        const open = error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_CIRCUIT_OPEN
        if (open) log.debug({ order_key: key }, 'accepted hop not recorded: tracking-store breaker open')
        else log.warn({ err: error, order_key: key }, 'accepted hop not recorded')
      }
      const wait = preferredWait(prefer)
      if (wait === undefined || !waiter || !store) return undefined
      const headers = { 'preference-applied': `wait=${wait}`, vary: 'prefer' }
      try {
        const fields = await waiter.wait(key, wait * 1000)
        if (!fields) return { headers }
        const finished = parseResponse(fields[field.response])
        return {
          headers,
          body: {
            ...finished,
            orderKey: key,
            journey: journeyView(key, fields, Date.now(), config.stallAfterMs),
          },
        }
      } catch (error) {
        log.warn({ err: error, order_key: key }, 'wait for the finished order failed; answering 202')
        return { headers }
      }
    },
    routes(app) {
      // Each waiting request holds a socket and a subscription slot: beyond the cap a client is
      // told to come back (503 + Retry-After) before its order is taken, not after.
      let waitSlots = 0
      const holdsSlot = new WeakSet<object>()
      app.addHook('onRequest', (request, _reply, done) => {
        if (request.method === 'POST') arrivals.set(request, nowMs())
        if (
          request.method === 'POST' &&
          config.orderJourney &&
          preferredWait(request.headers.prefer) !== undefined
        ) {
          if (waitSlots >= config.maxPreferWaits) {
            done(
              new BakeryError(
                ErrorCode.HTTP_OVERLOADED,
                `${config.maxPreferWaits} requests are already waiting (Prefer: wait); retry, or send without Prefer: wait`,
                { status: 503, retryAfterS: 1 },
              ),
            )
            return
          }
          waitSlots++
          holdsSlot.add(request)
        }
        done()
      })
      const release = (request: object) => {
        if (holdsSlot.delete(request)) waitSlots--
      }
      app.addHook('onResponse', (request, _reply, done) => {
        release(request)
        done()
      })
      app.addHook('onRequestAbort', (request, done) => {
        release(request)
        done()
      })
      app.get(
        '/orders/:key/journey',
        { schema: { params: Type.Object({ key: Type.String({ pattern: ORDER_KEY }) }) } },
        async (request, reply) => {
          const { key } = request.params
          const tracking = store
          const fields = tracking
            ? await guarded(() => tracking.read(key), true).catch(unavailable)
            : undefined
          if (!fields)
            return reply.code(404).send({ code: ErrorCode.HTTP_NOT_FOUND, message: `no journey for ${key}` })
          return journeyView(key, fields, Date.now(), config.stallAfterMs)
        },
      )
    },
  }
}

/** With the journey off, GET /orders/:key/journey says so instead of showing half of one. */
export function createJourneyOff(): ReceptionHooks {
  return {
    breakers: [],
    async start() {},
    async stop() {},
    async accepted() {
      return undefined
    },
    routes(app) {
      app.get(
        '/orders/:key/journey',
        { schema: { params: Type.Object({ key: Type.String({ pattern: ORDER_KEY }) }) } },
        async (request, reply) =>
          reply.code(404).send({
            code: ErrorCode.HTTP_NOT_FOUND,
            message: `no journey for ${request.params.key}: the order journey is off (BAKERY_ORDER_JOURNEY=false)`,
          }),
      )
    },
  }
}

/** A failed read of the journey: the breaker's own errors are 503s already; Redis errors are 502s. */
function unavailable(error: unknown): never {
  if (error instanceof BakeryError) throw error
  throw new BakeryError(ErrorCode.DEPENDENCY_FAILED, 'the tracking store failed', {
    cause: error,
    retryable: true,
    status: 502,
  })
}

function parseResponse(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {}
  try {
    const value: unknown = JSON.parse(raw)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}
