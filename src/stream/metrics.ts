// Pipeline metrics shared by the stream services: events ingested (counter plus a per-second rate
// over the last 10 s), consumer lag per partition, and write latency per store.
import type { Meter } from '@opentelemetry/api'
import type { Logger } from '../platform/log/index.ts'
import type { PartitionLag, Stream } from '../platform/stream/index.ts'

const RATE_WINDOW_S = 10

export function createIngestMetrics(meter: Meter, service: string) {
  const counter = meter.createCounter('bakery.stream.events.ingested', {
    description: 'Events accepted and acknowledged by Kafka (or stored, for consumers)',
    unit: '{event}',
  })
  const rejected = meter.createCounter('bakery.stream.events.rejected', {
    description: 'Events refused as invalid',
    unit: '{event}',
  })
  // Starts at 0 (the reason of the consumers' refusals), so rate() sees it before the first bad event.
  rejected.add(0, { service, reason: 'bad_record' })
  // Events per whole second over the last RATE_WINDOW_S seconds, for a rate without PromQL.
  const perSecond = new Map<number, number>()
  meter
    .createObservableGauge('bakery.stream.events.ingest_rate', {
      description: `Events ingested per second, averaged over the last ${RATE_WINDOW_S} s`,
      unit: '{event}/s',
    })
    .addCallback((result) => {
      const now = Math.floor(Date.now() / 1000)
      let sum = 0
      for (const [second, n] of perSecond) {
        if (second <= now - RATE_WINDOW_S) perSecond.delete(second)
        else if (second < now) sum += n
      }
      result.observe(sum / RATE_WINDOW_S, { service })
    })
  return {
    ingested(n: number) {
      if (n <= 0) return
      counter.add(n, { service })
      const second = Math.floor(Date.now() / 1000)
      perSecond.set(second, (perSecond.get(second) ?? 0) + n)
    },
    rejected(n: number, reason: string) {
      if (n > 0) rejected.add(n, { service, reason })
    },
  }
}

export function createWriteLatency(meter: Meter, store: 'postgres' | 'influxdb') {
  const histogram = meter.createHistogram('bakery.stream.store.write.duration', {
    description: 'Time to write one consumer batch to its store',
    unit: 's',
    advice: {
      explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    },
  })
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await fn()
    } finally {
      histogram.record((performance.now() - started) / 1000, { 'db.system': store })
    }
  }
}

/** Polls the group's lag in the background and reports the last answer as a gauge per partition. */
export function createLagMonitor(options: {
  meter: Meter
  stream: Stream
  topic: string
  group: string
  log: Logger
  intervalMs?: number
}) {
  let last: PartitionLag[] = []
  options.meter
    .createObservableGauge('bakery.stream.consumer.lag', {
      description: 'Records on the topic after the consumer group’s committed offset',
      unit: '{record}',
    })
    .addCallback((result) => {
      for (const { partition, lag } of last) {
        result.observe(lag, { 'messaging.consumer.group.name': options.group, partition: String(partition) })
      }
    })
  let timer: NodeJS.Timeout | undefined
  const poll = async () => {
    try {
      last = await options.stream.lag(options.topic, options.group)
    } catch (error) {
      options.log.debug({ err: error }, 'lag poll failed')
    }
  }
  return {
    start() {
      void poll()
      timer = setInterval(() => void poll(), options.intervalMs ?? 5000)
      timer.unref()
    },
    stop() {
      clearInterval(timer)
    },
    current: () => last,
  }
}
