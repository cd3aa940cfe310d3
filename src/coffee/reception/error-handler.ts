// The shared handler answers an unavailable database with 503; here deadlocks and serialization
// failures too: nothing was stored, so the client may safely try again.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { isRetryableDbError } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { errorReply } from '../../platform/http/index.ts'

export function coffeeErrorReply(error: Error, request: FastifyRequest, reply: FastifyReply) {
  if (!isRetryableDbError(error)) return errorReply(error, request, reply)
  reply.header('retry-after', '2')
  return errorReply(
    new BakeryError(ErrorCode.DB_UNAVAILABLE, 'the order store is unavailable', {
      cause: error,
      status: 503,
    }),
    request,
    reply,
  )
}
