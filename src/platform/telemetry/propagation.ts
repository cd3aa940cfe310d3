// W3C trace context in message headers, and the consumer-span pattern of the Bakery seed:
// a consumer starts a NEW trace and links it to the producer span, so a long queue wait does
// not stretch one trace and every message has its own trace.
import { randomBytes } from 'node:crypto'
import {
  type Attributes,
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core'
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3'

export type Carrier = Record<string, unknown>
export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'none'

let propagator: TextMapPropagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
})

function propagatorOf(name: Exclude<PropagatorName, 'none'>): TextMapPropagator {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator()
    case 'baggage':
      return new W3CBaggagePropagator()
    case 'b3':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER })
    case 'b3multi':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })
  }
}

/**
 * OTEL_PROPAGATORS for the whole process (HTTP, AMQP, Kafka and Redis headers): the formats
 * injected and read, in order; `none` alone propagates nothing.
 */
export function usePropagators(names: readonly PropagatorName[]): void {
  const chosen = names.filter((n): n is Exclude<PropagatorName, 'none'> => n !== 'none').map(propagatorOf)
  propagator = new CompositePropagator({ propagators: chosen })
  propagation.setGlobalPropagator(propagator)
}

/** Writes `traceparent` (and `tracestate`) of the given context into a header map. */
export function injectTraceContext(carrier: Carrier, ctx: Context = context.active()): Carrier {
  propagator.inject(ctx, carrier, defaultTextMapSetter)
  return carrier
}

export function extractTraceContext(carrier: Carrier | undefined, ctx: Context = ROOT_CONTEXT): Context {
  if (!carrier) return ctx
  return propagator.extract(ctx, stringHeaders(carrier), defaultTextMapGetter)
}

/**
 * The trace context of an HTTP request: Node's header values are already strings (or string arrays,
 * which every propagator reads), so they are read in place instead of copied per request.
 */
export function extractHttpTraceContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter)
}

/**
 * A W3C traceparent whose sampled flag is 0: "do not record this". Sent with background calls
 * (the dashboard's polls, the stream producer's posts), so parent-based samplers record nothing.
 */
export function unsampledTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`
}

/** The producer's span context carried by a message, if any. */
export function producerSpanContext(carrier: Carrier | undefined): SpanContext | undefined {
  const spanContext = trace.getSpanContext(extractTraceContext(carrier))
  return spanContext && isSpanContextValid(spanContext) ? spanContext : undefined
}

/** Starts a consumer span as the root of a new trace, linked to the producer span in `carrier`. */
export function startConsumerSpan(
  tracer: Tracer,
  name: string,
  carrier: Carrier | undefined,
  options: { attributes?: Attributes; linkAttributes?: Attributes } = {},
): Span {
  const producer = producerSpanContext(carrier)
  const spanOptions: SpanOptions = {
    kind: SpanKind.CONSUMER,
    root: true,
    links: producer
      ? [{ context: producer, attributes: options.linkAttributes ?? { 'bakery.link': 'producer' } }]
      : [],
  }
  if (options.attributes) spanOptions.attributes = options.attributes
  return tracer.startSpan(name, spanOptions, ROOT_CONTEXT)
}

/**
 * Runs `fn` inside an active span, records a thrown error on it and always ends it.
 * The span is passed in so `fn` can add attributes and events.
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, options, parent, (span) => runInSpan(span, fn))
}

/**
 * Like `withSpan`, for a span that has no children: it is not made the active span, which saves
 * a context copy and an AsyncLocalStorage frame per span (a sixth of the tracing cost per order).
 * A span started inside `fn` would become its sibling, so use it only for leaves.
 */
export function withLeafSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  return runInSpan(tracer.startSpan(name, options, parent), fn)
}

async function runInSpan<T>(span: Span, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await fn(span)
  } catch (error) {
    markSpanError(span, error)
    throw error
  } finally {
    span.end()
  }
}

export function markSpanError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error)
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  })
}

// AMQP and Kafka deliver header values as Buffers or strings; the propagator reads strings.
function stringHeaders(carrier: Carrier): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(carrier)) {
    if (typeof value === 'string') out[key] = value
    else if (value instanceof Uint8Array) out[key] = Buffer.from(value).toString('utf8')
  }
  return out
}
