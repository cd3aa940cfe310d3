// Response-builder hop: the last hop. It builds the final response document (the finished order
// with its enrichment) and finalises the record, which wakes the requests waiting for it.
import type { Service } from '../../platform/lifecycle/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { createHopWorker } from '../hop-worker.ts'
import { field } from '../journey.ts'
import { journeyHistogram } from '../metrics.ts'
import { JOURNEY_QUEUES } from '../queues.ts'

export function createResponseBuilder(deps: ServiceDeps): Service {
  const total = journeyHistogram(deps.telemetry.meter)
  return createHopWorker({
    name: 'response-builder',
    hop: 'boxed',
    deps,
    input: JOURNEY_QUEUES.baked,
    async work(message) {
      const enrichment = (message.enrichment ?? {}) as Record<string, unknown>
      const order = (message.order ?? {}) as Record<string, unknown>
      const response = {
        orderKey: message.orderKey,
        customer: order.customer ?? enrichment.customer,
        pastry: order.pastry ?? enrichment.pastry,
        orderTime: order.orderTime,
        status: order.status ?? 'finished',
        finishedTime: order.finishedTime,
        enrichment,
      }
      return { ...message, response }
    },
    async finish(message, fields, { store }) {
      const end = Number(fields[field.end('boxed')])
      await store.finalise(message.orderKey, {
        ...fields,
        [field.response]: JSON.stringify(message.response),
        [field.done]: String(end),
      })
      const start = Number(fields[field.start('accepted')])
      if (Number.isFinite(start)) total.record(end - start)
    },
  })
}
