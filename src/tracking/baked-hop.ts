// The baker as the "baked" hop of the order journey, through the baker's hooks (wired in
// services.ts). An order that came through the journey (its message carries journey fields) is
// tracked while it bakes (start, heartbeats, end) and handed on to the response-builder with the
// finished order; an order that did not (no hop was on the path) is baked as it is.
import { hostname } from 'node:os'
import type { BakerHooks } from '../bakery/orders/contract.ts'
import { notStarted } from '../platform/errors.ts'
import type { Queue } from '../platform/queue/index.ts'
import { injectTraceContext } from '../platform/telemetry/index.ts'
import type { TrackingDeps } from './config.ts'
import { createHopTracker, type HopTracker } from './hop.ts'
import { type HopMessage, journeyProblem } from './messages.ts'
import { registerActivityGauges } from './metrics.ts'
import { declareBakedQueue, journeyQueues } from './queues.ts'
import { processTrackingStore, type TrackingStore } from './store/index.ts'

export function createBakedHop(deps: TrackingDeps): BakerHooks {
  const queues = journeyQueues(deps.config.ordersQueue)
  let hop: { store: TrackingStore; queue: Queue; tracker: HopTracker } | undefined
  return {
    readiness: [
      {
        name: 'tracking-store',
        async check() {
          if (!hop) throw notStarted('baked hop')
          await hop.store.ping()
        },
      },
    ],
    async start(queue) {
      const store = await processTrackingStore(deps)
      await declareBakedQueue(queue, queues)
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
    },
    async bake(message, delivery, bake) {
      // Only orders that travelled the journey are its to track.
      if (!hop || message.journey === undefined || journeyProblem(message) !== undefined) {
        await bake()
        return
      }
      const { queue, tracker } = hop
      const hopMessage = message as HopMessage
      const run = await tracker.run(
        {
          key: hopMessage.orderKey,
          carried: hopMessage.journey ?? {},
          redelivered: delivery.redelivered,
          detached: true,
        },
        bake,
      )
      if (!run.result) return
      // A redelivered, already finished order is handed on again: boxing it twice is harmless.
      const next: HopMessage = { ...hopMessage, journey: run.fields, order: run.result }
      await queue.publish({ routingKey: queues.baked.name }, Buffer.from(JSON.stringify(next)), {
        headers: injectTraceContext({}) as Record<string, string>,
        contentType: 'application/json',
        messageId: hopMessage.orderKey,
      })
    },
  }
}
