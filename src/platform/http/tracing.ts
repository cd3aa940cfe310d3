// A lean server span per request, from Fastify hooks instead of the generic HTTP
// auto-instrumentation, which costs Node servers about half their throughput.
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServiceTelemetry } from '../telemetry/index.ts'
import { extractHttpTraceContext } from '../telemetry/index.ts'

interface RequestTelemetry {
  span: Span
  /** The order this request is about, for the duration histogram's exemplar. */
  orderKey: string | undefined
}

// The request's telemetry lives in a request decoration, not a WeakMap: Fastify gives every
// request the field up front (one object shape), and a WeakMap entry per request is an ephemeron
// the garbage collector must process on every young-generation pass, at thousands per second.
const TELEMETRY = 'bakeryTelemetry'
type TracedRequest = FastifyRequest & { [TELEMETRY]: RequestTelemetry | null }
const telemetryOf = (request: FastifyRequest): RequestTelemetry | null | undefined =>
  (request as TracedRequest)[TELEMETRY]

// Probes and scrapes would drown real traffic in the trace viewer.
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics', '/-/liveness', '/-/readiness'])

export function registerHttpTelemetry(app: FastifyInstance, telemetry: ServiceTelemetry, port: number): void {
  const { tracer } = telemetry
  const duration = telemetry.exemplars.createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests',
    advice: {
      explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    },
  })
  app.decorateRequest(TELEMETRY, null)

  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url
    if (route !== undefined && UNTRACED.has(route)) return done()
    const parent: Context = extractHttpTraceContext(request.headers)
    const query = request.url.indexOf('?')
    const path = query === -1 ? request.url : request.url.slice(0, query)
    const span = tracer.startSpan(
      `${request.method} ${route ?? path}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'http.route': route ?? '',
          'url.path': path,
          'url.scheme': 'http',
          'server.port': port,
          'client.address': request.ip,
          'http.request.id': request.id,
        },
      },
      parent,
    )
    ;(request as TracedRequest)[TELEMETRY] = { span, orderKey: undefined }
    // Fastify runs the rest of the request inside this callback, so the span becomes active there.
    context.with(trace.setSpan(parent, span), done)
  })

  app.addHook('onResponse', (request, reply, done) => {
    const entry = telemetryOf(request)
    const route = request.routeOptions.url ?? 'unmatched'
    const status = reply.statusCode
    if (entry) {
      entry.span.setAttribute('http.response.status_code', status)
      if (status >= 500) entry.span.setStatus({ code: SpanStatusCode.ERROR })
      entry.span.end()
      ;(request as TracedRequest)[TELEMETRY] = null
    }
    if (!UNTRACED.has(route)) {
      duration.record(
        reply.elapsedTime / 1000,
        {
          'http.request.method': request.method,
          'http.route': route,
          'http.response.status_code': status,
        },
        entry?.orderKey,
        entry?.span,
      )
    }
    done()
  })

  app.addHook('onError', (request, _reply, error, done) => {
    telemetryOf(request)?.span.recordException(error)
    done()
  })
}

/**
 * Names the order a request is about: the request's span gets `bakery.order_key` and its duration
 * exemplar the order_key label, so the order is found from a trace search and from a latency panel.
 */
/** Sets an attribute on the request's server span (e.g. what was asked for, before any hook refuses it). */
export function tagRequest(request: FastifyRequest, name: string, value: string): void {
  telemetryOf(request)?.span.setAttribute(name, value)
}

export function tagRequestOrder(request: FastifyRequest, orderKey: string): void {
  const entry = telemetryOf(request)
  if (!entry) return
  entry.orderKey = orderKey
  entry.span.setAttribute('bakery.order_key', orderKey)
}
