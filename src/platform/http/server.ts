// The HTTP server factory every HTTP service uses: Fastify 5 with TypeBox schemas, request ids,
// a body limit, health/readiness/metrics routes, JSON 404s and one error handler.
import { randomUUID } from 'node:crypto'
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify'
import { ErrorCode } from '../errors.ts'
import { type ReadinessCheck, runReadiness, type Service } from '../lifecycle/index.ts'
import type { Logger } from '../log/index.ts'
import { OPENMETRICS_CONTENT_TYPE, type ServiceTelemetry } from '../telemetry/index.ts'
import {
  HEADERS_TIMEOUT_MS,
  type HttpEdge,
  REQUEST_TIMEOUT_MS,
  TIMEOUT_CHECK_INTERVAL_MS,
  writeRateLimiter,
} from './edge.ts'
import { errorReply } from './error-handler.ts'
import { guardInput } from './input-guard.ts'
import { wantsOpenMetrics } from './metrics-format.ts'
import { registerHttpTelemetry } from './tracing.ts'

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface HttpServiceOptions {
  name: string
  host: string
  port: number
  log: Logger
  telemetry: ServiceTelemetry
  bodyLimit: number
  /** Proxy trust and the per-client write limit (`httpEdge(config)`); none when omitted. */
  edge?: HttpEdge
  readiness?: readonly ReadinessCheck[]
  /** Registers the service's routes (use `app.register` for anything asynchronous). */
  routes?: (app: HttpApp) => void
  /**
   * Work before listening (open the database, migrate, declare queues): runs in start() before the
   * port is bound, so no request meets a half-prepared service, and outside Fastify's plugin
   * timeout, so a slow database delays start-up instead of failing it. A failure stops start-up.
   */
  init?: () => Promise<void>
  /** Work to do after listening (start consumers) and before closing (stop them). */
  onStart?: () => Promise<void>
  onStop?: () => Promise<void>
}

export interface HttpService extends Service {
  readonly app: HttpApp
  /** The bound address, e.g. http://127.0.0.1:8000 (known after start). */
  url(): string
}

/** How long a route plugin may take to register: one that opens the database and migrates
 * (payments) waits for embedded PostgreSQL, which takes longer than Fastify's default 10 s when
 * every service starts in one process on a loaded machine; a hung start-up still fails. */
const PLUGIN_TIMEOUT_MS = 60_000

const REQUEST_ID = /^[\w.:-]{1,128}$/

export function createHttpService(options: HttpServiceOptions): HttpService {
  const { log, telemetry } = options
  const app = Fastify({
    loggerInstance: log,
    // Per-request log lines cost throughput; errors are still logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    pluginTimeout: PLUGIN_TIMEOUT_MS,
    // A client that trickles its body is dropped within REQUEST_TIMEOUT_MS + one check interval
    // (Node checks every 30 s unless told otherwise).
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    keepAliveTimeout: 60_000,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A hop count is accepted at run time (proxy-addr) though Fastify's types leave it out.
    trustProxy: (options.edge?.trustProxy ?? false) as boolean | string[],
    // Not `requestIdHeader`: Fastify would take the header verbatim, at any length. genReqId
    // keeps a well-formed incoming id and replaces anything else.
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id']
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as HttpApp
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  registerHttpTelemetry(app as unknown as FastifyInstance, telemetry, options.port)
  if (options.edge && options.edge.writesPerSecond > 0) {
    app.addHook('onRequest', writeRateLimiter(options.edge.writesPerSecond))
  }

  app.addHook('preValidation', guardInput)
  let closing = false
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id)
    // Keep-alive connections of requests still in flight at shutdown would hold close() open.
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
  app.setErrorHandler(errorReply)
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ code: ErrorCode.HTTP_NOT_FOUND, message: `no route ${request.method} ${request.url}` }),
  )

  const readiness = options.readiness ?? []
  app.get('/healthz', async () => ({ status: 'ok', service: options.name }))
  app.get('/-/liveness', async (_request, reply) => reply.type('text/plain').send('Live'))
  app.get('/readyz', async (_request, reply) => {
    const report = await runReadiness(readiness)
    const ready = report.ready && !closing
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', ...report, ready })
  })
  app.get('/-/readiness', async (_request, reply) => {
    const report = await runReadiness(readiness)
    const ready = report.ready && !closing
    return reply
      .code(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'Ready' : 'Not ready')
  })
  app.get('/metrics', async (request, reply) => {
    reply.header('vary', 'accept')
    if (wantsOpenMetrics(request.headers.accept))
      return reply.type(OPENMETRICS_CONTENT_TYPE).send(await telemetry.openMetricsText())
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(await telemetry.metricsText())
  })

  options.routes?.(app)

  let boundUrl = ''
  return {
    name: options.name,
    app,
    url: () => boundUrl,
    async start() {
      await options.init?.()
      await app.listen({ host: options.host, port: options.port })
      const address = app.server.address()
      const port = typeof address === 'object' && address ? address.port : options.port
      const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host
      boundUrl = `http://${host}:${port}`
      log.info({ url: boundUrl }, 'listening')
      await options.onStart?.()
    },
    async stop() {
      closing = true
      // Stop background work that feeds requests first, then let in-flight requests finish.
      await options.onStop?.()
      await app.close()
    },
  }
}
