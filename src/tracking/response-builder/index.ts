// Response-builder hop: the last hop. It builds the final response document from the message
// (the order as the baker finished it, with its enrichment) and finalises the record, which
// wakes the requests waiting for it.

import type { Service } from '../../platform/lifecycle/index.ts'
import { malformed } from '../../platform/queue/index.ts'
import type { TrackingDeps } from '../config.ts'
import { createHopWorker } from '../hop-worker.ts'
import { field } from '../journey.ts'
import { journeyHistogram } from '../metrics.ts'
import { journeyQueues } from '../queues.ts'

export function createResponseBuilder(deps: TrackingDeps): Service {
  const queues = journeyQueues(deps.config.ordersQueue)
  const total = journeyHistogram(deps.telemetry.meter)
  return createHopWorker({
    name: 'response-builder',
    hop: 'boxed',
    deps,
    input: queues.baked,
    async work(message) {
      if (!message.order) throw malformed(`order ${message.orderKey} carries no finished order`)
      // The order view (GET /orders/:key), plus what enrichment added.
      const response: Record<string, unknown> = { orderKey: message.orderKey, ...message.order }
      if (message.enrichment) response.enrichment = message.enrichment
      return { ...message, response }
    },
    async finish(message, own, carried, { store }) {
      const end = Number(own[field.end('boxed')])
      await store.finalise(
        message.orderKey,
        { ...own, [field.response]: JSON.stringify(message.response), [field.done]: String(end) },
        carried,
      )
      // From the order's acceptance: the time the reception put on the order message (the
      // accepted hop's start rarely travels with it, see enrichment, and reading the record for it
      // cost a store read per order).
      const start = Number(carried[field.start('accepted')] ?? Date.parse(message.timeEnqueued))
      if (Number.isFinite(start)) total.record(end - start)
    },
  })
}
