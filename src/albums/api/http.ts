// HTTP plumbing both album services share: the seed's error body `{errors, message}`, a scope
// whose schemas document but do not validate (validate.ts does, with the seed's messages), and
// the OpenAPI 3.1 document with Swagger UI at the seed's /swagger/index.html.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isRetryableDbError } from '../../platform/db/index.ts'
import { BakeryError } from '../../platform/errors.ts'
import type { HttpApp } from '../../platform/http/index.ts'
import { sharedSchemas } from './schemas.ts'
import { MESSAGES } from './validate.ts'

export interface AlbumErrorBody {
  errors: { field: string; message: string }[] | null
  message: string
}

function isJsonParseError(error: FastifyError): boolean {
  return (
    error.statusCode === 400 &&
    (error instanceof SyntaxError ||
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
  )
}

export function albumErrorHandler(error: Error, request: FastifyRequest, reply: FastifyReply) {
  // A lost or overloaded database is temporary: 503 tells callers (and the proxy's retry) to retry.
  // First: the database adapter reports it as a BakeryError (BKR_DB_UNAVAILABLE) too.
  if (isRetryableDbError(error)) {
    request.log.warn({ err: error }, 'database unavailable')
    return reply
      .code(503)
      .header('retry-after', '1')
      .send({ errors: null, message: 'database unavailable, retry later' } satisfies AlbumErrorBody)
  }
  if (error instanceof BakeryError) {
    const status = error.status ?? 500
    if (status >= 500 && status !== 502 && status !== 503 && status !== 504) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(500).send({ errors: null, message: 'internal error' } satisfies AlbumErrorBody)
    }
    const errors = Array.isArray(error.details) ? (error.details as AlbumErrorBody['errors']) : null
    return reply.code(status).send({ errors, message: error.message } satisfies AlbumErrorBody)
  }
  const fastifyError = error as FastifyError
  if (isJsonParseError(fastifyError)) {
    return reply.code(400).send({ errors: null, message: MESSAGES.malformed } satisfies AlbumErrorBody)
  }
  const status = fastifyError.statusCode ?? 500
  if (status < 500 || status === 503) {
    return reply.code(status).send({ errors: null, message: error.message } satisfies AlbumErrorBody)
  }
  request.log.error({ err: error }, 'request failed')
  return reply.code(500).send({ errors: null, message: 'internal error' } satisfies AlbumErrorBody)
}

/** Route schemas in this scope feed the OpenAPI document and the response serializer only. */
export function useAlbumConventions(scope: FastifyInstance | HttpApp): void {
  scope.setValidatorCompiler(() => () => true)
  scope.setErrorHandler(albumErrorHandler)
}

/** JSON bodies where an empty body means "no body" (a DELETE sent with a JSON content type). */
export function useLenientJson(scope: HttpApp): void {
  scope.removeContentTypeParser('application/json')
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body)
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }), undefined)
    }
  })
}

export interface OpenApiOptions {
  title: string
  description: string
}

/** Must be registered before the album routes, so their schemas are collected. */
export async function registerOpenApi(app: HttpApp, options: OpenApiOptions): Promise<void> {
  for (const schema of sharedSchemas) app.addSchema(schema)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, description: options.description, version: '0.1.0' },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  })
  await app.register(swaggerUi, { routePrefix: '/swagger' })
  app.get('/swagger/index.html', { schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/swagger/static/index.html'),
  )
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
