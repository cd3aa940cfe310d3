// The proxy's HTTP client for the album store: undici pool, one CLIENT span per attempt with W3C
// trace context injected, so a trace reads proxy server → client → store server → db.
import { SpanKind, type Tracer } from '@opentelemetry/api'
import { Pool } from 'undici'
import { faultyRequest, type SeamSlot } from '../../platform/faults/index.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import { injectTraceContext, withSpan } from '../../platform/telemetry/index.ts'
import { STORE_CONNECTIONS, StoreFailure } from './resilience.ts'

export interface StoreRequest {
  /** The seed's operation name, used in error messages: getAlbums, getAlbumById, postAlbum… */
  operation: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Route template for the span name, e.g. /albums/:id. */
  route: string
  path: string
  body?: string
  headers?: Record<string, string>
}

export interface StoreReply {
  status: number
  headers: Record<string, string>
  body: unknown
}

export interface StoreClient {
  call(request: StoreRequest): Promise<StoreReply>
  close(): Promise<void>
}

const FORWARDED = ['etag', 'link', 'location', 'retry-after'] as const

function pickHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of FORWARDED) {
    const value = headers[name]
    if (typeof value === 'string') out[name] = value
  }
  return out
}

export function createStoreClient(
  base: URL,
  tracer: Tracer,
  policy: ResiliencePolicy,
  faults?: SeamSlot,
): StoreClient {
  const pool = new Pool(base.origin, { connections: STORE_CONNECTIONS, keepAliveTimeout: 10_000 })
  type Options = Parameters<Pool['request']>[0]
  const call = (options: Options) => pool.request(options)
  const send = faults ? faultyRequest(faults, (o: Options) => new URL(o.path, base).href, call) : call
  const attributes = {
    'server.address': base.hostname,
    'server.port': Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
  }

  async function attempt(request: StoreRequest, signal: AbortSignal): Promise<StoreReply> {
    const spanAttributes = {
      ...attributes,
      'http.request.method': request.method,
      'url.full': new URL(request.path, base).href,
    }
    return withSpan(
      tracer,
      `${request.method} ${request.route}`,
      { kind: SpanKind.CLIENT, attributes: spanAttributes },
      async (span) => {
        const headers: Record<string, string> = { ...request.headers }
        if (request.body !== undefined) headers['content-type'] = 'application/json'
        injectTraceContext(headers)
        let response: Awaited<ReturnType<typeof send>>
        let text: string
        try {
          response = await send({
            method: request.method,
            path: request.path,
            headers,
            body: request.body ?? null,
            signal,
          })
          text = await response.body.text()
        } catch (error) {
          if (signal.aborted)
            throw new StoreFailure('timeout', `no answer from album-store ${request.operation}`, {
              cause: error,
            })
          const reason = error instanceof Error ? error.message : String(error)
          throw new StoreFailure('transport', `error contacting album-store ${request.operation} ${reason}`, {
            cause: error,
          })
        }
        span.setAttribute('http.response.status_code', response.statusCode)
        const replyHeaders = pickHeaders(response.headers)
        let body: unknown = null
        if (text !== '') {
          try {
            body = JSON.parse(text)
          } catch (error) {
            throw new StoreFailure('malformed', 'error from album-store Malformed JSON returned', {
              cause: error,
              status: response.statusCode,
            })
          }
        }
        if (response.statusCode >= 500) {
          throw new StoreFailure('status', `album-store returned error ${request.operation}`, {
            status: response.statusCode,
            reply: { headers: replyHeaders, body },
          })
        }
        return { status: response.statusCode, headers: replyHeaders, body }
      },
    )
  }

  return {
    // Only GETs are retried: a retried POST could create an album twice.
    call: (request) =>
      policy.execute((signal) => attempt(request, signal), { idempotent: request.method === 'GET' }),
    close: () => pool.close(),
  }
}
