// Per-item caps for everything that enters the telemetry store (in-process spans, the OTLP
// receiver, imports, log records). One huge attribute or a flood of spans under one trace id
// must not grow the store beyond what a person can read; what is cut is counted, never hidden.
import type { AttributeValue, SpanStore, StoredSpan } from '../span-store.ts'

export interface ItemCaps {
  /** Longest string attribute value (characters); longer ones are truncated. */
  attributeValueLength: number
  attributesPerSpan: number
  eventsPerSpan: number
  linksPerSpan: number
  /** Spans kept per trace id; later spans of the trace are dropped. */
  spansPerTrace: number
}

export const DEFAULT_CAPS: ItemCaps = {
  attributeValueLength: 4096,
  attributesPerSpan: 128,
  eventsPerSpan: 128,
  linksPerSpan: 128,
  spansPerTrace: 10_000,
}

export interface CapCounters {
  attributeValuesTruncated: number
  attributesDropped: number
  eventsDropped: number
  linksDropped: number
  spansDropped: number
}

type Attributes = Record<string, AttributeValue>

// Trace ids whose span count is tracked; older entries are forgotten first (a trace that is
// still growing after this many newer traces is rare, and then its count restarts).
const TRACKED_TRACES = 50_000

export interface Capper {
  readonly counters: CapCounters
  /** The span cut to the caps, or undefined when its trace is already full. */
  span(span: StoredSpan): StoredSpan | undefined
  attributes(attributes: Attributes, limit: number): Attributes
  value(value: string): string
}

export function createCapper(caps: ItemCaps): Capper {
  const counters: CapCounters = {
    attributeValuesTruncated: 0,
    attributesDropped: 0,
    eventsDropped: 0,
    linksDropped: 0,
    spansDropped: 0,
  }
  const perTrace = createRecentMap<number>(2 * TRACKED_TRACES)

  function value(text: string): string {
    if (text.length <= caps.attributeValueLength) return text
    counters.attributeValuesTruncated++
    return text.slice(0, caps.attributeValueLength)
  }

  function capValue(v: AttributeValue): AttributeValue {
    if (typeof v === 'string') return value(v)
    if (Array.isArray(v)) {
      let changed = false
      const out = v.map((item) => {
        if (typeof item === 'string' && item.length > caps.attributeValueLength) {
          changed = true
          return value(item)
        }
        return item
      })
      return changed ? out : v
    }
    return v
  }

  function attributes(input: Attributes, limit: number): Attributes {
    let out: Attributes | undefined
    let kept = 0
    for (const key in input) {
      const original = input[key] as AttributeValue
      if (kept >= limit) {
        counters.attributesDropped++
        out ??= copyFirst(input, kept)
        continue
      }
      kept++
      const capped = capValue(original)
      if (capped !== original) out ??= copyFirst(input, kept - 1)
      if (out) out[key] = capped
    }
    return out ?? input
  }

  function countInTrace(traceId: string): boolean {
    const seen = perTrace.get(traceId) ?? 0
    if (seen >= caps.spansPerTrace) return false
    perTrace.set(traceId, seen + 1)
    return true
  }

  function span(input: StoredSpan): StoredSpan | undefined {
    if (!countInTrace(input.traceId)) {
      counters.spansDropped++
      return undefined
    }
    const attrs = attributes(input.attributes, caps.attributesPerSpan)
    let events = input.events
    if (events.length > caps.eventsPerSpan) {
      counters.eventsDropped += events.length - caps.eventsPerSpan
      events = events.slice(0, caps.eventsPerSpan)
    }
    let links = input.links
    if (links.length > caps.linksPerSpan) {
      counters.linksDropped += links.length - caps.linksPerSpan
      links = links.slice(0, caps.linksPerSpan)
    }
    // Most spans have neither events nor links: they pass without a copy.
    if (events.length > 0) {
      events = events.map((e) => ({
        ...e,
        name: value(e.name),
        attributes: attributes(e.attributes, caps.attributesPerSpan),
      }))
    }
    if (links.length > 0) {
      links = links.map((l) => ({ ...l, attributes: attributes(l.attributes, caps.attributesPerSpan) }))
    }
    const name = value(input.name)
    const statusMessage = input.statusMessage === undefined ? undefined : value(input.statusMessage)
    // A resource within the caps stays the same object, so the store still writes it once.
    const resource = input.resource && attributes(input.resource, caps.attributesPerSpan)
    if (
      resource === input.resource &&
      attrs === input.attributes &&
      events === input.events &&
      links === input.links &&
      name === input.name &&
      statusMessage === input.statusMessage
    )
      return input
    const out: StoredSpan = { ...input, name, statusMessage, attributes: attrs, events, links }
    if (resource) out.resource = resource
    return out
  }

  return { counters, span, attributes, value }
}

/**
 * A map that remembers between `size / 2` and `size` recently set keys: two generations, the
 * older dropped whole when the newer fills. Evicting the oldest key one at a time
 * (`map.keys().next()` then `delete`) walks the deleted slots at the front of a V8 map on every
 * eviction: ~20 µs a span once 50,000 traces were tracked, 40× this.
 */
export function createRecentMap<V>(size: number): {
  get(key: string): V | undefined
  set(key: string, value: V): void
} {
  let current = new Map<string, V>()
  let previous = new Map<string, V>()
  const half = Math.max(1, Math.floor(size / 2))
  return {
    get: (key) => current.get(key) ?? previous.get(key),
    set(key, value) {
      if (!current.has(key) && current.size >= half) {
        previous = current
        current = new Map()
      }
      current.set(key, value)
    },
  }
}

function copyFirst(input: Attributes, count: number): Attributes {
  const out: Attributes = {}
  let i = 0
  for (const key in input) {
    if (i++ >= count) break
    out[key] = input[key] as AttributeValue
  }
  return out
}

/** The in-memory ring with the same caps as the telemetry store (processes without a store). */
export function withCaps(store: SpanStore, caps: ItemCaps): SpanStore {
  const capper = createCapper(caps)
  return {
    ...store,
    add(span) {
      const capped = capper.span(span)
      if (capped) store.add(capped)
    },
  }
}
