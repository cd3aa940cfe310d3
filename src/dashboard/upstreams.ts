// The services behind the dashboard's panels. The browser talks only to the dashboard, which
// forwards `/api/svc/<name>/…` to the service: one origin, no CORS, and separate deployments
// just set BAKERY_DASHBOARD_UPSTREAMS.
import { Readable } from 'node:stream'
import type { Config } from '../config.ts'
import { BakeryError, ErrorCode, errorMessage } from '../platform/errors.ts'
import type { HttpApp } from '../platform/http/index.ts'
import { unsampledTraceparent } from '../platform/telemetry/index.ts'
import { normalisedPath } from './access.ts'

export const UPSTREAM_PORTS = {
  reception: 'receptionPort',
  aggregator: 'aggregatorPort',
  coffee: 'coffeePort',
  payments: 'paymentsPort',
  albums: 'albumProxyPort',
} as const satisfies Record<string, keyof Config>
export type UpstreamName = keyof typeof UPSTREAM_PORTS

export interface Upstream {
  name: UpstreamName
  url: string
}

export function resolveUpstreams(
  config: Config,
  overrides: Partial<Record<string, string>> = {},
): Upstream[] {
  return (Object.keys(UPSTREAM_PORTS) as UpstreamName[]).map((name) => {
    const portKey = UPSTREAM_PORTS[name]
    const url = overrides[name] ?? config.dashboardUpstreams[name] ?? `http://127.0.0.1:${config[portKey]}`
    return { name, url: url.replace(/\/+$/, '') }
  })
}

// The browser's own Authorization never travels on: the dashboard adds the admin token itself, and
// only on admin paths, after its access check has let the request through.
const FORWARDED_REQUEST = ['content-type', 'accept', 'idempotency-key', 'last-event-id']
const FORWARDED_RESPONSE = ['content-type', 'location', 'retry-after', 'cache-control', 'link', 'etag']

/** Registers `/api/svc/<name>/*`; the returned function ends live (SSE) streams, for shutdown. */
export function registerUpstreamRoutes(
  app: HttpApp,
  upstreams: readonly Upstream[],
  adminToken: () => string,
  options: { traceCalls?: boolean; send?: typeof fetch } = {},
): () => void {
  const byName = new Map(upstreams.map((u) => [u.name, u]))
  const streams = new Set<AbortController>()
  app.register(async (proxy) => {
    proxy.removeAllContentTypeParsers()
    proxy.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    proxy.all('/api/svc/:upstream/*', async (request, reply) => {
      const { upstream: name } = request.params as { upstream: string }
      const upstream = byName.get(name as UpstreamName)
      if (!upstream) {
        throw new BakeryError(ErrorCode.HTTP_NOT_FOUND, `no service "${name}" in this build`, { status: 404 })
      }
      const target = upstreamUrl(upstream, request.url)
      const headers: Record<string, string> = {}
      for (const h of FORWARDED_REQUEST) {
        const v = request.headers[h]
        if (typeof v === 'string') headers[h] = v
      }
      if (target.adminPath) headers.authorization = `Bearer ${adminToken()}`
      // The panels poll every second: with parent-based sampling (the default) an unsampled parent
      // keeps those reads out of the traces. What a user does (POST, PUT, DELETE) is traced.
      const polling = request.method === 'GET' || request.method === 'HEAD'
      if (polling && !options.traceCalls) headers.traceparent = unsampledTraceparent()
      const live = headers.accept === 'text/event-stream'
      const controller = new AbortController()
      // A live stream ends when the browser goes away; a plain call is bounded in time.
      const timer = live ? undefined : setTimeout(() => controller.abort(), 10_000)
      if (live) {
        streams.add(controller)
        request.raw.once('close', () => {
          streams.delete(controller)
          controller.abort()
        })
      }
      let response: Response
      try {
        const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
        response = await (options.send ?? fetch)(target.url, {
          method: request.method,
          headers,
          body: hasBody && request.body ? new Uint8Array(request.body as Buffer) : null,
          signal: controller.signal,
        })
      } catch (error) {
        clearTimeout(timer)
        // Answered here, not thrown: the error handler hides 5xx details, and this one is for the user.
        request.log.warn({ upstream: name, err: error }, 'upstream unreachable')
        return reply.code(502).send({
          code: ErrorCode.DASHBOARD_UPSTREAM,
          message: `${name} at ${upstream.url} is not reachable: ${errorMessage(error)}`,
        })
      }
      reply.code(response.status)
      for (const h of FORWARDED_RESPONSE) {
        const v = response.headers.get(h)
        if (v !== null) reply.header(h, v)
      }
      if (live && response.body) {
        return reply.send(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream))
      }
      try {
        return reply.send(Buffer.from(await response.arrayBuffer()))
      } finally {
        clearTimeout(timer)
      }
    })
  })
  return () => {
    for (const controller of streams) controller.abort()
  }
}

/**
 * The upstream URL of `/api/svc/<name><rest>`: `<rest>` is cut from the raw URL by the raw
 * segment (the router's `name` is percent-decoded, so its length may differ), parsed by URL, and
 * must land on the configured upstream's origin.
 */
export function upstreamUrl(upstream: Upstream, rawUrl: string): { url: URL; adminPath: boolean } {
  const rest = rawUrl.replace(/^\/api\/svc\/[^/?#]*/, '') || '/'
  const base = new URL(upstream.url)
  let target: URL | undefined
  if (rest.startsWith('/') || rest.startsWith('?')) {
    try {
      target = new URL(
        `${base.pathname.replace(/\/+$/, '')}${rest.startsWith('?') ? `/${rest}` : rest}`,
        base,
      )
    } catch {
      target = undefined
    }
  }
  if (!target || target.origin !== base.origin) {
    throw new BakeryError(ErrorCode.HTTP_VALIDATION, `path does not address the ${upstream.name} service`, {
      status: 400,
      details: [{ field: 'path', message: 'must stay on the configured upstream' }],
    })
  }
  return { url: target, adminPath: /^\/+admin(\/|$)/i.test(normalisedPath(rest)) }
}
