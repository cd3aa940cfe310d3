// The baker as the "baked" hop of the order journey. The baker stays the orders flow's worker;
// this wraps its handler: with the journey on it consumes `orders.enriched`, records the hop
// (start, heartbeats while baking, end) and hands the order on to the response-builder.
import { hostname } from 'node:os'
import type { ReadinessCheck } from '../platform/lifecycle/index.ts'
import type { Delivery, Queue } from '../platform/queue/index.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'
import { injectTraceContext } from '../platform/telemetry/index.ts'
import { createHopTracker, type HopTracker } from './hop.ts'
import { parseHopMessage } from './messages.ts'
import { registerActivityGauges } from './metrics.ts'
import { journeyQueues } from './queues.ts'
import { processTrackingStore, type TrackingStore } from './store/index.ts'

export interface BakedHop {
  /** The queue the baker consumes: `orders.enriched` with the journey on, else `orders`. */
  readonly input: string
  readonly readiness: readonly ReadinessCheck[]
  start(queue: Queue): Promise<void>
  wrap<M>(
    handle: (message: M, delivery: Delivery) => Promise<void>,
  ): (message: M, delivery: Delivery) => Promise<void>
}

export function createBakedHop(deps: ServiceDeps): BakedHop {
  const queues = journeyQueues(deps.config)
  const on = deps.config.orderJourney
  let hop: { store: TrackingStore; queue: Queue; tracker: HopTracker } | undefined
  return {
    input: on ? queues.enriched : queues.accepted,
    readiness: on
      ? [
          {
            name: 'tracking-store',
            async check() {
              if (!hop) throw new Error('not started')
              await hop.store.ping()
            },
          },
        ]
      : [],
    async start(queue) {
      if (!on) return
      const store = await processTrackingStore(deps)
      await queue.declare({ name: queues.enriched })
      await queue.declare({ name: queues.baked })
      const tracker = createHopTracker({
        hop: 'baked',
        store,
        tracer: deps.telemetry.tracer,
        meter: deps.telemetry.meter,
        log: deps.log,
        heartbeatMs: deps.config.heartbeatMs,
        workerId: `baker@${hostname()}:${process.pid}`,
      })
      registerActivityGauges(deps.telemetry.meter, store, deps.config.stallAfterMs, deps.log)
      hop = { store, queue, tracker }
      deps.log.info(
        { input: queues.enriched },
        'order journey on: orders reach the baker through enrichment (BAKERY_ORDER_JOURNEY=false bakes straight from the orders queue)',
      )
    },
    wrap(handle) {
      if (!on) return handle
      return async (message, delivery) => {
        const parsed = parseHopMessage(delivery.body)
        if (!hop || !parsed.ok) return handle(message, delivery)
        const { queue, tracker } = hop
        const hopMessage = parsed.message
        const run = await tracker.run(
          {
            key: hopMessage.orderKey,
            carried: hopMessage.journey ?? {},
            redelivered: delivery.redelivered,
            detached: true,
          },
          () => handle(message, delivery),
        )
        // A redelivered, already finished order is handed on again: boxing it twice is harmless.
        const next = { ...hopMessage, journey: run.fields }
        await queue.publish({ routingKey: queues.baked }, Buffer.from(JSON.stringify(next)), {
          headers: injectTraceContext({}) as Record<string, string>,
          contentType: 'application/json',
          messageId: hopMessage.orderKey,
        })
      }
    },
  }
}
