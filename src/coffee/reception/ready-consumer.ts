// Reception consumes order.Ready (key `orders.ready`) and marks the order ready. A redelivered
// event finds the order already ready and is acked; an event for an unknown order is dead-lettered.
import { context, type Meter, type Tracer, trace } from '@opentelemetry/api'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { Logger } from '../../platform/log/index.ts'
import { type ConsumerRunner, createConsumerRunner, type Queue } from '../../platform/queue/index.ts'
import { startConsumerSpan } from '../../platform/telemetry/index.ts'
import { decodeReady, RECEPTION_READY_QUEUE, type Ready } from '../events.ts'
import type { CoffeeStore } from './store.ts'

export interface ReadyConsumerOptions {
  queue: Queue
  store: CoffeeStore
  log: Logger
  tracer: Tracer
  meter: Meter
}

export function createReadyConsumer(options: ReadyConsumerOptions): ConsumerRunner {
  const { store, tracer } = options
  const log = options.log.child({ component: 'ready-consumer' })
  const readyCounter = options.meter.createCounter('coffee.orders.ready', {
    description: 'Orders marked ready by an order.Ready event (first time only)',
  })
  const duplicates = options.meter.createCounter('coffee.orders.ready_duplicates', {
    description: 'order.Ready events for orders already ready (redeliveries, harmless)',
  })
  const timeToReady = options.meter.createHistogram('coffee.order.time_to_ready', {
    unit: 'ms',
    description: 'From the order being accepted to its ready event',
  })
  return createConsumerRunner<Ready>({
    queue: options.queue,
    name: RECEPTION_READY_QUEUE,
    prefetch: 50,
    log,
    retry: { maxAttempts: 8, initialDelayMs: 100, maxDelayMs: 5000 },
    parse: (delivery) => decodeReady(delivery.body),
    async handle(message, delivery) {
      const span = startConsumerSpan(tracer, 'orders.ready process', delivery.headers, {
        attributes: {
          'messaging.system': options.queue.kind === 'amqp' ? 'rabbitmq' : 'bakery_memory',
          'messaging.operation.type': 'process',
          'messaging.destination.name': RECEPTION_READY_QUEUE,
          'coffee.order_id': message.id,
        },
      })
      try {
        const result = await store.markReady(
          message.id,
          message.items.map((i) => i.barista),
        )
        span.setAttribute('coffee.ready.result', result)
        if (result === 'unknown') {
          throw new BakeryError(ErrorCode.ORDER_UNKNOWN, `order.Ready for unknown order ${message.id}`)
        }
        if (result === 'ready') {
          readyCounter.add(1)
          const order = await store.get(message.id)
          if (order) timeToReady.record(Date.now() - order.createdAt.getTime())
          // One line per order, in the consumer span's trace.
          context.with(trace.setSpan(context.active(), span), () =>
            log.info({ order_key: message.id }, 'coffee order ready'),
          )
        } else duplicates.add(1)
      } finally {
        span.end()
      }
    },
  })
}
