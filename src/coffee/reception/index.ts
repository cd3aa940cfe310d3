// Coffee reception (seed coffee-shop 0.0.6, :8080): wiring. Orders are priced from the database,
// paid through the payments service (behind the resilience policy; while it is down orders wait as
// awaiting_payment), then published as order.Created through the outbox; the barista's order.Ready
// marks them ready. Routes in routes.ts, SQL in store.ts.

import { isRedisUrl, type Redis } from '../../platform/cache/index.ts'
import { type Database, databaseReadPolicy, migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import {
  createIdempotencyGuard,
  createServiceHttp,
  type HttpService,
  registerAdminRoutes,
} from '../../platform/http/index.ts'
import { createRelayTimer, type RelayTimer } from '../../platform/lifecycle/index.ts'
import { createOutbox, type Outbox } from '../../platform/outbox/index.ts'
import type { ConsumerRunner, Queue } from '../../platform/queue/index.ts'
import type { CoffeeDeps } from '../config.ts'
import { BARISTA_QUEUE_SPEC, RECEPTION_READY_QUEUE_SPEC } from '../events.ts'
import { createMenuCache } from './menu-cache.ts'
import { COFFEE_SCHEMA, coffeeMigrations } from './migrations.ts'
import { createPaymentProcessor, type PaymentProcessor } from './payment-processor.ts'
import { createPaymentsClient, isPaymentsFailure, type PaymentsClient } from './payments-client.ts'
import { RATE_LIMIT_BREAKER } from './protection.ts'
import { createReadyConsumer } from './ready-consumer.ts'
import { registerCoffeeRoutes } from './routes.ts'
import { type CoffeeStore, createCoffeeStore } from './store.ts'

interface Started {
  db: Database
  store: CoffeeStore
  outbox: Outbox
  payments: PaymentsClient
  processor: PaymentProcessor
  readyConsumer: ConsumerRunner
  backlogCount: RelayTimer
}

/** The queues of this exchange that reception's events must reach, declared before publishing. */
async function declareQueues(queue: Queue): Promise<void> {
  await queue.declare(BARISTA_QUEUE_SPEC)
  await queue.declare(RECEPTION_READY_QUEUE_SPEC)
}

export function createCoffeeReception(deps: CoffeeDeps): HttpService {
  const { config, infra, log } = deps
  const { tracer, meter } = deps.telemetry
  const policy = infra.breakers.policy(
    {
      name: 'payments',
      timeoutMs: config.paymentsTimeoutMs,
      maxAttempts: 3,
      failureThreshold: 5,
      halfOpenAfterMs: 1000,
      isFailure: isPaymentsFailure,
    },
    { log, meter },
  )
  const dbReads = databaseReadPolicy(infra.breakers, { log, meter })
  const rateLimitPolicy =
    isRedisUrl(config.redisUrl) && config.coffeeRateLimit > 0
      ? infra.breakers.policy(RATE_LIMIT_BREAKER, { log, meter })
      : undefined
  let started: Started | undefined
  let redis: Redis | undefined
  let backlog = 0

  const ready = () => {
    if (!started) {
      throw new BakeryError(ErrorCode.HTTP_OVERLOADED, 'reception is starting', {
        status: 503,
        retryable: true,
      })
    }
    return started
  }
  const menu = createMenuCache(() => ready().store.menu(), dbReads)

  async function status() {
    const check = async (fn: () => Promise<void>) =>
      fn().then(
        () => 'ok',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      )
    const details = {
      database: await check(async () => (await infra.database()).ping()),
      amqp: await check(async () => (await infra.queue()).ping()),
      payments: policy.state(),
      outbox_backlog: backlog,
    }
    return { ok: details.database === 'ok' && details.amqp === 'ok', details }
  }

  const http = createServiceHttp(deps, {
    name: 'coffee-reception',
    init: async () => {
      const parts = await prepare()
      started = parts
      parts.outbox.start()
      parts.processor.start()
      await parts.readyConsumer.start()
    },
    readiness: [
      { name: 'database', check: async () => (await infra.database()).ping() },
      { name: 'queue', check: async () => (await infra.queue()).ping() },
    ],
    routes(app) {
      registerAdminRoutes(app, {
        token: infra.adminToken,
        breakers: [policy, dbReads, ...(rateLimitPolicy ? [rateLimitPolicy] : [])],
        faults: infra.faults,
        defaultTarget: 'coffee-reception',
      })
      registerCoffeeRoutes(app, {
        ready,
        menu,
        dbReads,
        tracer,
        idempotency: createIdempotencyGuard(),
        accepted: meter.createCounter('coffee.orders.accepted', {
          description: 'Coffee orders accepted (201)',
        }),
        protection: () => ({
          config,
          backlog: () => backlog,
          redis: redis && rateLimitPolicy ? { connection: redis, policy: rateLimitPolicy } : undefined,
        }),
        status,
      })
    },
  })

  async function prepare(): Promise<Started> {
    if (rateLimitPolicy) redis = await infra.redis()
    const db = traceDatabase(await infra.database(), tracer)
    const queue = await infra.queue()
    await migrate(db, COFFEE_SCHEMA, coffeeMigrations)
    await declareQueues(queue)
    const store = createCoffeeStore(db)
    const outbox = createOutbox({
      db,
      schema: COFFEE_SCHEMA,
      queue,
      log: log.child({ component: 'outbox' }),
      pollIntervalMs: config.outboxPollMs,
      tracing: {
        tracer,
        spanName: () => 'orders.created publish',
        attributes: (message) => ({ 'coffee.order_id': message.messageId ?? '' }),
      },
    })
    const payments = createPaymentsClient(config.paymentsUrl, policy, infra.seam('http-client'))
    const processor = createPaymentProcessor({ db, store, outbox, payments, policy, log, tracer, meter })
    const readyConsumer = createReadyConsumer({ queue, store, log, tracer, meter })
    // The backlog the overload check reads: counted once a second, one count at a time.
    const backlogCount = createRelayTimer({
      run: async () => {
        backlog = await outbox.backlog().catch(() => backlog)
        return 1000
      },
    })
    backlogCount.start()
    return { db, store, outbox, payments, processor, readyConsumer, backlogCount }
  }

  return {
    ...http,
    async stop() {
      await http.stop()
      if (!started) return
      await started.backlogCount.stop()
      await started.readyConsumer.stop()
      await started.processor.stop()
      await started.outbox.stop()
      await started.payments.close()
    },
  }
}
