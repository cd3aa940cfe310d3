// The proxy's routes: the store's API, forwarded. Store answers below 500 pass through with their
// body (so validation errors reach the caller); failures map to 502/503/504 with a clear message.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { HttpApp } from '../../platform/http/index.ts'
import { routeSchemas } from '../api/schemas.ts'
import type { StoreClient, StoreReply, StoreRequest } from './client.ts'
import { isCircuitOpen, isTimeout, StoreFailure } from './resilience.ts'

const ID = /^-?\d{1,15}$/

export interface ProxyRouteOptions {
  client: () => StoreClient
  timeoutMs: number
}

function checkedId(request: FastifyRequest): string {
  const { id } = request.params as { id: string }
  if (!ID.test(id)) {
    throw new BakeryError(ErrorCode.ALBUM_INVALID, `error invalid ID [${id.slice(0, 100)}] requested`, {
      status: 400,
    })
  }
  return id
}

/** The raw body, checked to be JSON (the seed's message when not) and forwarded unchanged. */
function checkedBody(request: FastifyRequest): string | undefined {
  const raw = request.body
  if (raw === undefined || raw === null) return undefined
  const text = String(raw)
  try {
    JSON.parse(text)
  } catch {
    throw new BakeryError(ErrorCode.ALBUM_INVALID, `invalid request json body ${text.slice(0, 200)}`, {
      status: 400,
    })
  }
  return text
}

function ifMatch(request: FastifyRequest): Record<string, string> {
  const value = request.headers['if-match']
  return typeof value === 'string' ? { 'if-match': value } : {}
}

export function registerProxyRoutes(app: HttpApp, options: ProxyRouteOptions): void {
  // Keep the body as text: the proxy checks it is JSON and forwards the caller's bytes.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  )

  async function forward(reply: FastifyReply, request: StoreRequest) {
    let answer: StoreReply
    try {
      answer = await options.client().call(request)
    } catch (error) {
      throw mapFailure(error, request.operation, reply, options)
    }
    reply.code(answer.status).headers(answer.headers)
    return answer.status === 204 ? reply.send() : reply.send(answer.body)
  }

  app.get('/status', { schema: routeSchemas.status }, async () => ({ status: 'OK' as const }))
  app.get('/albums', { schema: routeSchemas.list }, (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    return forward(reply, {
      operation: 'getAlbums',
      method: 'GET',
      route: '/albums',
      path: `/albums${query}`,
    })
  })
  app.get('/albums/:id', { schema: routeSchemas.get }, (request, reply) =>
    forward(reply, {
      operation: 'getAlbumById',
      method: 'GET',
      route: '/albums/:id',
      path: `/albums/${checkedId(request)}`,
    }),
  )
  app.post('/albums', { schema: routeSchemas.create }, (request, reply) => {
    const body = checkedBody(request)
    return forward(reply, {
      operation: 'postAlbum',
      method: 'POST',
      route: '/albums',
      path: '/albums',
      ...(body === undefined ? {} : { body }),
    })
  })
  app.put('/albums/:id', { schema: routeSchemas.update }, (request, reply) => {
    const id = checkedId(request)
    const body = checkedBody(request)
    return forward(reply, {
      operation: 'putAlbum',
      method: 'PUT',
      route: '/albums/:id',
      path: `/albums/${id}`,
      headers: ifMatch(request),
      ...(body === undefined ? {} : { body }),
    })
  })
  app.delete('/albums/:id', { schema: routeSchemas.remove }, (request, reply) =>
    forward(reply, {
      operation: 'deleteAlbum',
      method: 'DELETE',
      route: '/albums/:id',
      path: `/albums/${checkedId(request)}`,
      headers: ifMatch(request),
    }),
  )
}

function mapFailure(error: unknown, operation: string, reply: FastifyReply, options: ProxyRouteOptions) {
  if (isCircuitOpen(error)) {
    reply.header('retry-after', String(error.retryAfterS ?? 1))
    return new BakeryError(
      ErrorCode.ALBUM_STORE_CIRCUIT_OPEN,
      `album-store unavailable (circuit open after repeated failures) ${operation}`,
      { status: 503, cause: error },
    )
  }
  if (isTimeout(error) || (error instanceof StoreFailure && error.kind === 'timeout')) {
    return new BakeryError(
      ErrorCode.ALBUM_STORE_TIMEOUT,
      `album-store did not answer within ${options.timeoutMs} ms ${operation}`,
      { status: 504, cause: error },
    )
  }
  if (error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_SATURATED) {
    reply.header('retry-after', String(error.retryAfterS ?? 1))
    return new BakeryError(
      ErrorCode.HTTP_OVERLOADED,
      `album-store has too many calls in flight ${operation}`,
      {
        status: 503,
        cause: error,
      },
    )
  }
  if (!(error instanceof StoreFailure)) return error
  // An overloaded store asks callers to back off: pass its 503 and Retry-After on.
  if (error.status === 503 && error.reply) {
    const retryAfter = error.reply.headers['retry-after']
    if (retryAfter) reply.header('retry-after', retryAfter)
    const message = (error.reply.body as { message?: unknown } | null)?.message
    return new BakeryError(ErrorCode.HTTP_OVERLOADED, typeof message === 'string' ? message : error.message, {
      status: 503,
    })
  }
  return new BakeryError(ErrorCode.ALBUM_STORE_UNREACHABLE, error.message, { status: 502, cause: error })
}
