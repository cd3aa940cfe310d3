// One place maps errors to HTTP answers. Client mistakes say what is wrong (and which field);
// server faults are logged with their stack and answered with a generic body.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
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

export function errorReply(
  error: FastifyError | BakeryError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof BakeryError) {
    const status = error.status ?? 500
    if (error.retryAfterS !== undefined && !reply.hasHeader('retry-after')) {
      reply.header('retry-after', String(error.retryAfterS))
    }
    // A dependency that is away (503, retryable) is an expected state, not a server fault.
    if (status === 503 && error.retryable)
      request.log.warn({ err: error }, 'request failed: dependency unavailable')
    else if (status >= 500) request.log.error({ err: error }, 'request failed')
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
  if (status < 500 || status === 503) {
    return reply.code(status).send({ code: fastifyError.code ?? 'BKR_HTTP_CLIENT', message: error.message })
  }
  request.log.error({ err: error }, 'request failed')
  return reply.code(500).send({ code: ErrorCode.INTERNAL, message: 'internal error' } satisfies ErrorBody)
}
