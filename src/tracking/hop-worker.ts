// A tracking hop as a queue worker: consume the hop's queue, run the hop (tracked: start,
// heartbeats, end, span, latency), hand the message on to the next queue; the shared consumer
// runner acks, retries with backoff and dead-letters (unparseable messages at once).

import { hostname } from 'node:os'
import { context, trace } from '@opentelemetry/api'
import { BakeryError, ErrorCode, notStarted } from '../platform/errors.ts'
import type { ReadinessCheck, Service } from '../platform/lifecycle/index.ts'
import type { Delivery, PublishTarget, Queue, QueueSpec } from '../platform/queue/index.ts'
import {
  type ConsumerRunner,
  createConsumerRunner,
  defaultRetryPolicy,
  malformed,
} from '../platform/queue/runner.ts'
import { injectTraceContext, markSpanError, startConsumerSpan } from '../platform/telemetry/index.ts'
import type { TrackingDeps } from './config.ts'
import { createHopTracker, type HopTracker } from './hop.ts'
import type { Hop } from './journey.ts'
import { type HopMessage, parseHopMessage } from './messages.ts'
import { registerActivityGauges } from './metrics.ts'
import { type Fields, processTrackingStore, type TrackingStore } from './store/index.ts'

export interface HopContext {
  store: TrackingStore
  queue: Queue
}

export interface HopWorkerOptions {
  name: string
  hop: Hop
  deps: TrackingDeps
  /** The hop's own queue (and its bindings), declared by the hop. */
  input: QueueSpec
  /** Where the message goes next; none for the last hop. */
  output?: PublishTarget
  /** Hand the incoming trace headers on unchanged, so the next consumer links to the same producer. */
  forwardTraceHeaders?: boolean
  /** Opens what the work needs, before consuming. */
  init?: () => Promise<void>
  /** The hop's work: returns the message for the next hop. */
  work(message: HopMessage, context: HopContext): Promise<HopMessage>
  /**
   * For the last hop: writes the end through `finalise` instead of a plain record, given the
   * hop's own fields and those carried from earlier hops.
   */
  finish?: (message: HopMessage, own: Fields, carried: Fields, context: HopContext) => Promise<void>
}

/** A readiness check that fails while the hop is starting (the probe answers 503 meanwhile). */
function notReady(message: string): BakeryError {
  return new BakeryError(ErrorCode.SERVICE_NOT_STARTED, message, { retryable: true, status: 503 })
}

export function createHopWorker(options: HopWorkerOptions): Service {
  const { deps } = options
  const log = deps.log
  let hop: (HopContext & { tracker: HopTracker; runner: ConsumerRunner }) | undefined
  let consuming = false

  async function handle(message: HopMessage, delivery: Delivery): Promise<void> {
    if (!hop) throw notStarted(options.name)
    const { queue, tracker } = hop
    // The consumer span keeps the messaging convention's name (`receive <queue>`), which trace
    // tools and dashboards group by; the hop's own span (`hop <name>`) runs inside it.
    const span = startConsumerSpan(deps.telemetry.tracer, `receive ${options.input.name}`, delivery.headers, {
      attributes: {
        'messaging.system': queue.kind === 'amqp' ? 'rabbitmq' : 'memory',
        'messaging.operation.type': 'receive',
        'messaging.destination.name': options.input.name,
        'messaging.message.redelivered': delivery.redelivered,
        'bakery.order_key': message.orderKey,
      },
    })
    try {
      await context.with(trace.setSpan(context.active(), span), async () => {
        const ctx: HopContext = { store: hop?.store as TrackingStore, queue }
        const finish = options.finish
        const run = await tracker.run(
          { key: message.orderKey, carried: message.journey ?? {}, redelivered: delivery.redelivered },
          () => options.work(message, ctx),
          finish ? (own, carried, result) => finish(result, own, carried, ctx) : undefined,
        )
        if (!options.output) return
        const next: HopMessage = { ...run.result, journey: run.fields }
        await queue.publish(options.output, Buffer.from(JSON.stringify(next)), {
          headers: options.forwardTraceHeaders
            ? { ...delivery.headers }
            : (injectTraceContext({}) as Record<string, string>),
          contentType: 'application/json',
          messageId: message.orderKey,
        })
      })
    } catch (error) {
      markSpanError(span, error)
      throw error
    } finally {
      span.end()
    }
  }

  const readiness: ReadinessCheck[] = [
    {
      name: 'tracking-store',
      async check() {
        if (!hop) throw notReady('not started')
        await hop.store.ping()
      },
    },
    {
      name: 'queue',
      async check() {
        if (!hop) throw notReady('not started')
        await hop.queue.ping()
      },
    },
    {
      name: 'consumer',
      async check() {
        if (!consuming) throw notReady(`not consuming ${options.input.name}`)
      },
    },
  ]

  // With the journey off no hop binds: accepted orders go straight to the baker.
  const enabled = deps.config.orderJourney
  return {
    name: options.name,
    readiness: enabled ? readiness : [],
    async start() {
      if (!enabled) {
        log.info('order journey off (BAKERY_ORDER_JOURNEY=false): hop idle')
        return
      }
      const store = await processTrackingStore(deps)
      const queue = await deps.infra.queue()
      const tracker = createHopTracker({
        hop: options.hop,
        store,
        tracer: deps.telemetry.tracer,
        meter: deps.telemetry.meter,
        log,
        heartbeatMs: deps.config.heartbeatMs,
        workerId: `${options.name}@${hostname()}:${process.pid}`,
      })
      registerActivityGauges(deps.telemetry.meter, store, deps.config.stallAfterMs, log)
      await options.init?.()
      await queue.declare(options.input)
      const runner = createConsumerRunner<HopMessage>({
        queue,
        name: options.input.name,
        prefetch: deps.config.hopPrefetch,
        log,
        retry: defaultRetryPolicy,
        parse(delivery) {
          const parsed = parseHopMessage(delivery.body)
          if (!parsed.ok) throw malformed(parsed.reason)
          return parsed.message
        },
        handle,
      })
      hop = { store, queue, tracker, runner }
      await runner.start()
      consuming = true
      log.info(
        { input: options.input.name, output: options.output, worker: tracker.workerId },
        'hop consuming',
      )
    },
    async stop() {
      consuming = false
      await hop?.runner.stop()
    },
  }
}
