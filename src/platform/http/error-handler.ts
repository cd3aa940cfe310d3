// One place maps errors to HTTP answers. Client mistakes say what is wrong (and which field);
// server faults are logged with their stack and answered with a generic body. An outage of the
// database (or another dependency answering 503) is never a 500: 503 with Retry-After.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { databaseUnavailable, isDatabaseUnavailable } from '../db/unavailable.ts'
import { BakeryError, ErrorCode } from '../errors.ts'

export interface FieldProblem {
  field: string
  message: string
}

export interface ErrorBody {
  code: string
  message: string
  errors?: FieldProblem[]
}

interface ValidationEntry {
  instancePath?: string
  message?: string
  params?: Record<string, unknown>
}

export function fieldProblems(
  validation: readonly ValidationEntry[],
  part: string | undefined,
): FieldProblem[] {
  return validation.map((entry) => {
    const missing = entry.params?.requiredProperties ?? entry.params?.missingProperty
    const path = (entry.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.')
    const missingName = Array.isArray(missing) ? missing.join(',') : (missing as string | undefined)
    const field = [path, missingName].filter(Boolean).join('.') || part || 'body'
    return { field, message: entry.message ?? 'is invalid' }
  })
}

/** Seconds a client should wait before retrying a 503 that did not set its own Retry-After. */
export const RETRY_AFTER_SECONDS = 2

// 5xx messages may carry hosts and ports: the answer says only what the client can act on.
const UNAVAILABLE_MESSAGES: Partial<Record<string, string>> = {
  [ErrorCode.DB_UNAVAILABLE]: 'the database is unavailable, retry later',
}

function unavailableReply(error: BakeryError, request: FastifyRequest, reply: FastifyReply) {
  request.log.warn({ err: error }, 'dependency unavailable')
  if (!reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS))
  const message = UNAVAILABLE_MESSAGES[error.code] ?? 'service unavailable, retry later'
  return reply.code(503).send({ code: error.code, message } satisfies ErrorBody)
}

export function errorReply(
  error: FastifyError | BakeryError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  // Before anything else: a route may have wrapped the database's error in one of its own.
  if (isDatabaseUnavailable(error) && !(error instanceof BakeryError && error.status === 503)) {
    return unavailableReply(databaseUnavailable(error), request, reply)
  }
  if (error instanceof BakeryError) {
    const status = error.status ?? 500
    if (error.retryAfterS !== undefined && !reply.hasHeader('retry-after')) {
      reply.header('retry-after', String(error.retryAfterS))
    }
    if (status === 503) return unavailableReply(error, request, reply)
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    const body: ErrorBody = { code: error.code, message: status >= 500 ? 'internal error' : error.message }
    if (status < 500 && Array.isArray(error.details)) body.errors = error.details as FieldProblem[]
    return reply.code(status).send(body)
  }
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    const errors = fieldProblems(fastifyError.validation as ValidationEntry[], fastifyError.validationContext)
    const message = errors.map((e) => `${e.field} ${e.message}`).join('; ')
    return reply.code(400).send({ code: ErrorCode.HTTP_VALIDATION, message, errors } satisfies ErrorBody)
  }
  const status = fastifyError.statusCode ?? 500
  if (status === 503 && !reply.hasHeader('retry-after')) {
    reply.header('retry-after', String(RETRY_AFTER_SECONDS))
  }
  if (status < 500 || status === 503) {
    return reply.code(status).send({ code: fastifyError.code ?? 'BKR_HTTP_CLIENT', message: error.message })
  }
  request.log.error({ err: error }, 'request failed')
  return reply.code(500).send({ code: ErrorCode.INTERNAL, message: 'internal error' } satisfies ErrorBody)
}
