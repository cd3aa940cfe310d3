// Exemplars for latency histograms: per series and bucket, the latest measurement taken inside a
// sampled span, with its trace id, span id and (when known) order key. The pinned OpenTelemetry
// SDK (sdk-metrics 2.12) ships reservoir classes but never offers them a measurement, and its
// Prometheus exporter writes no exemplars; so the slots live here, beside the OTel histogram, and
// the OpenMetrics serializer joins them to the histogram's data points by metric name and
// attributes. Recording costs a few array slot writes: the strings are the span's own.
import {
  type Attributes,
  type AttributeValue,
  type Histogram,
  type Meter,
  type MetricOptions,
  type Span,
  TraceFlags,
  trace,
} from '@opentelemetry/api'

// Wall-clock milliseconds as timeOrigin + performance.now(): unlike Date.now(), whose result is a
// fresh heap number, this needs no allocation in optimised code.
const TIME_ORIGIN = performance.timeOrigin
// Passed for "no attributes": the SDK's own default is a fresh {} per call.
const NO_ATTRIBUTES: Attributes = Object.freeze({})

/** The SDK's default explicit buckets, used when an instrument gives no advice. */
const OTEL_DEFAULT_BOUNDARIES = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]

/** One series' exemplars, one slot per bucket (the last one is +Inf); time 0 = empty slot. */
export interface ExemplarSlots {
  readonly values: Float64Array
  /** Milliseconds since the epoch. */
  readonly times: Float64Array
  readonly traceIds: string[]
  readonly spanIds: string[]
  readonly orderKeys: (string | undefined)[]
}

export interface ExemplarHistogram {
  /**
   * Records like Histogram.record, and keeps the point as its bucket's exemplar when `span` (by
   * default the active span) is sampled. Give attributes in a fixed key order, as the series is
   * found by walking them.
   */
  record(value: number, attributes?: Attributes, orderKey?: string, span?: Span): void
}

export interface ExemplarReservoir {
  readonly boundaries: readonly number[]
  /** The slots of the series with these attributes, if it ever kept an exemplar. */
  find(attributes: Attributes): ExemplarSlots | undefined
}

export interface ExemplarMeter {
  /** Meter.createHistogram (same name and options) whose points also become exemplars. */
  createHistogram(name: string, options?: MetricOptions): ExemplarHistogram
  /** The exemplars of the histogram named `name` (its OTel name), for the serializer. */
  reservoir(name: string): ExemplarReservoir | undefined
}

// Series are found by walking a tree of Maps: attribute key, then value, per attribute. After
// the first point of a series this allocates nothing (no key string is built).
type SeriesNode = Map<string | AttributeValue, SeriesNode | ExemplarSlots>
const LEAF = '\u0000slots'

function createSlots(buckets: number): ExemplarSlots {
  return {
    values: new Float64Array(buckets),
    times: new Float64Array(buckets),
    traceIds: new Array<string>(buckets).fill(''),
    spanIds: new Array<string>(buckets).fill(''),
    orderKeys: new Array<string | undefined>(buckets).fill(undefined),
  }
}

function createReservoir(boundaries: readonly number[]) {
  const root: SeriesNode = new Map()
  const buckets = boundaries.length + 1

  function walk(attributes: Attributes | undefined, create: boolean): ExemplarSlots | undefined {
    let node = root
    if (attributes) {
      for (const key in attributes) {
        const value = attributes[key]
        if (value === undefined) continue
        let byKey = node.get(key) as SeriesNode | undefined
        if (!byKey) {
          if (!create) return undefined
          byKey = new Map()
          node.set(key, byKey)
        }
        let next = byKey.get(value) as SeriesNode | undefined
        if (!next) {
          if (!create) return undefined
          next = new Map()
          byKey.set(value, next)
        }
        node = next
      }
    }
    let slots = node.get(LEAF) as ExemplarSlots | undefined
    if (!slots && create) {
      slots = createSlots(buckets)
      node.set(LEAF, slots)
    }
    return slots
  }

  /** OTel buckets are (previous, boundary]; past the last boundary is the +Inf bucket. */
  function bucketOf(value: number): number {
    let i = 0
    while (i < boundaries.length && value > (boundaries[i] as number)) i++
    return i
  }

  return {
    boundaries,
    find: (attributes: Attributes) => walk(attributes, false),
    offer(value: number, attributes: Attributes | undefined, orderKey: string | undefined, span: Span) {
      const context = span.spanContext()
      if ((context.traceFlags & TraceFlags.SAMPLED) === 0) return
      const slots = walk(attributes, true) as ExemplarSlots
      const bucket = bucketOf(value)
      slots.values[bucket] = value
      slots.times[bucket] = TIME_ORIGIN + performance.now()
      slots.traceIds[bucket] = context.traceId
      slots.spanIds[bucket] = context.spanId
      slots.orderKeys[bucket] = orderKey
    },
  }
}

export function createExemplarMeter(meter: Meter): ExemplarMeter {
  const reservoirs = new Map<string, ReturnType<typeof createReservoir>>()
  return {
    createHistogram(name, options = {}) {
      const histogram: Histogram = meter.createHistogram(name, options)
      let reservoir = reservoirs.get(name)
      if (!reservoir) {
        reservoir = createReservoir(options.advice?.explicitBucketBoundaries ?? OTEL_DEFAULT_BOUNDARIES)
        reservoirs.set(name, reservoir)
      }
      const kept = reservoir
      return {
        record(value, attributes = NO_ATTRIBUTES, orderKey, span = trace.getActiveSpan()) {
          histogram.record(value, attributes)
          if (span) kept.offer(value, attributes, orderKey, span)
        },
      }
    },
    reservoir: (name) => reservoirs.get(name),
  }
}
