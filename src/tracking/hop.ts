// What every hop does around its work: record its start (with the fields carried from earlier
// hops, so a record lost with a Redis restart is rebuilt by the next write), beat while it
// works, record its end, and report one span and one latency histogram point per hop.
// The start is written with the first heartbeat, not before the work: most hops finish well
// within a heartbeat interval, and then their start and end go to the store in one write (a
// journey's tracking writes were a sixth of its CPU). A hop shows `working` from its first beat.
import { hostname } from 'node:os'
import type { Attributes, Histogram, Meter, Span, Tracer } from '@opentelemetry/api'
import { context, SpanKind, trace } from '@opentelemetry/api'
import type { Logger } from '../platform/log/index.ts'
import { markSpanError } from '../platform/telemetry/index.ts'
import { field, HOPS, type Hop, nowMs } from './journey.ts'
import type { Fields, TrackingStore } from './store/index.ts'

export interface HopTrackerOptions {
  hop: Hop
  store: TrackingStore
  tracer: Tracer
  meter: Meter
  log: Logger
  heartbeatMs: number
  /** Who does the work; defaults to `<hop>@<host>:<pid>`. */
  workerId?: string
}

export interface HopRun<T> {
  result: T
  /** The carried fields plus this hop's start, end and worker: hand them on to the next hop. */
  fields: Fields
  latencyMs: number
}

export interface HopInput {
  key: string
  /** Fields of earlier hops, carried in the message. */
  carried?: Fields
  redelivered?: boolean
  /** When the hop began, if before this call (the entrypoint starts at request arrival). */
  startedAt?: number
  /** When the hop's work ended, if it did before `run` is called (the entrypoint's hand-off). */
  endedAt?: number | undefined
  /** Do not make the hop span the parent of the work's spans. */
  detached?: boolean
}

export interface HopTracker {
  readonly hop: Hop
  readonly workerId: string
  readonly tracer: Tracer
  /**
   * Runs `work` as this hop of request `key`. With `finish`, the end is written by it (the last
   * hop: `finalise`, given this hop's own fields and those carried from earlier hops) instead of
   * a plain record write.
   */
  run<T>(
    input: HopInput,
    work: (span: Span) => Promise<T>,
    finish?: (own: Fields, carried: Fields, result: T) => Promise<void>,
  ): Promise<HopRun<T>>
}

export function createHopTracker(options: HopTrackerOptions): HopTracker {
  const { hop, store, tracer, log, heartbeatMs } = options
  const workerId = options.workerId ?? `${hop}@${hostname()}:${process.pid}`
  const latency = hopHistogram(options.meter)
  const latencyAttributes = { 'tracking.hop': hop }
  const names = {
    start: field.start(hop),
    end: field.end(hop),
    worker: field.worker(hop),
    redelivered: field.redelivered(hop),
  }

  return {
    hop,
    workerId,
    tracer,
    async run(input, work, finish) {
      const start = input.startedAt ?? nowMs()
      // This hop's own fields; the carried ones (earlier hops) are written only where the record is
      // missing (Redis lost it): everywhere else they are there already.
      const carried = input.carried ?? {}
      const own: Fields = { [names.start]: String(start), [names.worker]: workerId }
      if (input.redelivered) own[names.redelivered] = 'true'
      const attributes: Attributes = {
        'tracking.hop': hop,
        'tracking.worker': workerId,
        'bakery.order_key': input.key,
      }
      const previousEnd = previousHopEnd(hop, input.carried)
      if (previousEnd !== undefined) attributes['tracking.hop.queued_ms'] = round(start - previousEnd)
      // The hop span is a sibling of the work's own spans when `detached` (the baker keeps the
      // span tree its trace queries expect); otherwise the work runs inside it.
      const span = tracer.startSpan(`hop ${hop}`, {
        kind: SpanKind.INTERNAL,
        startTime: Math.floor(start),
        attributes,
      })
      let beats = 0
      // The start is written with the first beat (the store keeps it from then on).
      let started: Promise<void> | undefined
      const beat = async () => {
        beats++
        started ??= store.record(input.key, { ...own }, Date.now(), carried)
        await started
        await store.heartbeat(input.key, hop, Date.now())
      }
      const timer =
        input.endedAt === undefined
          ? setInterval(() => {
              beat().catch((error: unknown) =>
                log.warn({ err: error, hop, order_key: input.key }, 'heartbeat not recorded'),
              )
            }, heartbeatMs)
          : undefined
      timer?.unref()
      try {
        const result =
          input.detached || input.endedAt !== undefined
            ? await work(span)
            : await context.with(trace.setSpan(context.active(), span), () => work(span))
        clearInterval(timer)
        const end = input.endedAt ?? nowMs()
        own[names.end] = String(end)
        const latencyMs = round(end - start)
        span.setAttributes({ 'tracking.hop.latency_ms': latencyMs, 'tracking.hop.heartbeats': beats })
        if (finish) await finish(own, carried, result)
        else await store.record(input.key, own, Date.now(), carried)
        // What the next hop carries: everything known so far but the redelivery mark, which stays
        // in the record only.
        const fields: Fields = {
          ...carried,
          [names.start]: own[names.start] as string,
          [names.worker]: workerId,
          [names.end]: own[names.end] as string,
        }
        latency.record(latencyMs, latencyAttributes)
        log.info({ order_key: input.key, hop, latency_ms: latencyMs }, 'hop finished')
        return { result, fields, latencyMs }
      } catch (error) {
        markSpanError(span, error)
        log.warn({ order_key: input.key, hop, err: error }, 'hop failed')
        throw error
      } finally {
        clearInterval(timer)
        span.end()
      }
    },
  }
}

export const MS_BUCKETS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

const histograms = new WeakMap<Meter, Histogram>()
function hopHistogram(meter: Meter): Histogram {
  let histogram = histograms.get(meter)
  if (!histogram) {
    histogram = meter.createHistogram('tracking.hop.duration', {
      description: 'Time each hop of the order journey worked on a request',
      unit: 'ms',
      advice: { explicitBucketBoundaries: MS_BUCKETS },
    })
    histograms.set(meter, histogram)
  }
  return histogram
}

function previousHopEnd(hop: Hop, carried: Fields | undefined): number | undefined {
  const index = HOPS.indexOf(hop)
  const previous = index > 0 ? HOPS[index - 1] : undefined
  const raw = previous ? carried?.[field.end(previous)] : undefined
  return raw === undefined ? undefined : Number(raw)
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}
