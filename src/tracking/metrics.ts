// Journey-wide metrics: total latency, and gauges of in-flight and stalled requests read from
// the shared store when /metrics is scraped (so every replica reports the same cluster view).
import type { Meter } from '@opentelemetry/api'
import type { Logger } from '../platform/log/index.ts'
import { MS_BUCKETS } from './hop.ts'
import type { TrackingStore } from './store/index.ts'

export function registerActivityGauges(
  meter: Meter,
  store: TrackingStore,
  stallAfterMs: number,
  log: Logger,
  /** Runs the store read on scrape (e.g. through a breaker, so a scrape never hangs on Redis). */
  guard: <T>(read: () => Promise<T>) => Promise<T> = (read) => read(),
): void {
  const inFlight = meter.createObservableGauge('tracking.requests.in_flight', {
    description: 'Tracked requests recorded and not yet finalised',
    unit: '{request}',
  })
  const stalled = meter.createObservableGauge('tracking.requests.stalled', {
    description: `Tracked requests with no progress or heartbeat for ${stallAfterMs} ms`,
    unit: '{request}',
  })
  meter.addBatchObservableCallback(
    async (result) => {
      try {
        const counts = await guard(() => store.activity(Date.now() - stallAfterMs))
        result.observe(inFlight, counts.inFlight)
        result.observe(stalled, counts.stalled)
      } catch (error) {
        log.warn({ err: error }, 'tracking gauges unavailable')
      }
    },
    [inFlight, stalled],
  )
}

export function journeyHistogram(meter: Meter) {
  return meter.createHistogram('tracking.journey.duration', {
    description: 'Total time of an order journey, from acceptance to the boxed response',
    unit: 'ms',
    advice: { explicitBucketBoundaries: MS_BUCKETS },
  })
}
