// Response-builder hop: the last hop. It builds the final response document (the finished order
// with its enrichment) and finalises the record, which wakes the requests waiting for it.
import { bakeryMigrations } from '../../bakery/orders/migrations.ts'
import { createOrderStore, type OrderStore } from '../../bakery/orders/store.ts'
import { migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { createHopWorker } from '../hop-worker.ts'
import { field } from '../journey.ts'
import { journeyHistogram } from '../metrics.ts'
import { journeyQueues } from '../queues.ts'

export function createResponseBuilder(deps: ServiceDeps): Service {
  const queues = journeyQueues(deps.config)
  const total = journeyHistogram(deps.telemetry.meter)
  let orders: OrderStore | undefined
  return createHopWorker({
    name: 'response-builder',
    hop: 'boxed',
    deps,
    input: queues.baked,
    async init() {
      const db = traceDatabase(await deps.infra.database(), deps.telemetry.tracer)
      await migrate(db, deps.config.ordersSchema, bakeryMigrations)
      orders = createOrderStore(db, deps.config.ordersSchema)
    },
    async work(message) {
      const order = await orders?.get(message.orderKey)
      if (!order) {
        throw new BakeryError(ErrorCode.ORDER_UNKNOWN, `no order ${message.orderKey}`, { retryable: false })
      }
      // The seed's order view (GET /orders/:key), plus what enrichment added.
      const response: Record<string, unknown> = {
        orderKey: order.orderKey,
        pastry: order.pastry,
        customer: order.customer,
        orderTime: order.orderTime.toISOString(),
        status: order.status,
      }
      if (order.finishedTime) response.finishedTime = order.finishedTime.toISOString()
      if (message.enrichment) response.enrichment = message.enrichment
      return { ...message, response }
    },
    async finish(message, fields, { store }) {
      const end = Number(fields[field.end('boxed')])
      await store.finalise(message.orderKey, {
        ...fields,
        [field.response]: JSON.stringify(message.response),
        [field.done]: String(end),
      })
      // The accepted hop may not have travelled with the message (the reception records it as it
      // answers, possibly after enrichment read the record): then it is in the store.
      const accepted =
        fields[field.start('accepted')] ?? (await store.read(message.orderKey))?.[field.start('accepted')]
      const start = Number(accepted)
      if (accepted !== undefined && Number.isFinite(start)) total.record(end - start)
    },
  })
}
