// The baker's instruments: finished and dead-lettered counters, exemplar histograms of time on
// queue and time to completion, and the depth of the orders queue and its dead letters.
import type { Queue } from '../../platform/queue/index.ts'
import type { ServiceTelemetry } from '../../platform/telemetry/index.ts'

const MS_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

export function bakerMetrics(
  telemetry: ServiceTelemetry,
  queues: readonly string[],
  queue: () => Queue | undefined,
) {
  const { meter, exemplars } = telemetry
  const depthGauge = meter.createObservableGauge('bakery.queue.depth', {
    description: 'Messages ready in the orders queue and its dead-letter queue',
  })
  depthGauge.addCallback(async (result) => {
    const q = queue()
    if (!q) return
    for (const name of queues) {
      const depth = await q.depth(name).catch(() => undefined)
      if (depth !== undefined) result.observe(depth, { 'messaging.destination.name': name })
    }
  })
  const deadLettered = meter.createCounter('bakery.orders.dead_lettered', {
    description: 'Order messages moved to orders.dead',
  })
  // Failure counters start at 0, so rate() and alert rules see the series before the first failure.
  deadLettered.add(0)
  return {
    finished: meter.createCounter('bakery.orders.finished', { description: 'Orders baked and finished' }),
    deadLettered,
    // Exemplar histograms: each bucket keeps its latest order (trace, span, order key).
    timeOnQueue: exemplars.createHistogram('bakery.order.time_on_queue', {
      unit: 'ms',
      description: 'From enqueue (order time) to the baker receiving the message',
      advice: { explicitBucketBoundaries: MS_BUCKETS },
    }),
    timeToCompletion: exemplars.createHistogram('bakery.order.time_to_completion', {
      unit: 'ms',
      description: 'From order time to finished',
      advice: { explicitBucketBoundaries: MS_BUCKETS },
    }),
  }
}

export type BakerMetrics = ReturnType<typeof bakerMetrics>
