// The admin API every service may mount: circuit breakers (read) and fault injection (read and
// write), behind a bearer token. Comparing in constant time keeps the token from leaking by timing.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BakeryError, ErrorCode } from '../errors.ts'
import type { FaultRegistry } from '../faults/index.ts'
import type { ResiliencePolicy } from '../resilience/index.ts'
import { registerFaultRoutes } from './fault-routes.ts'
import type { HttpApp } from './server.ts'

export interface AdminOptions {
  token: string
  /** The breakers of this service's own outgoing calls (in one process, others have theirs). */
  breakers: readonly ResiliencePolicy[]
  faults: FaultRegistry
  /** Target of `PUT /admin/faults` when the body names none (usually the service itself). */
  defaultTarget: string
}

const digest = (value: string) => createHash('sha256').update(value).digest()

/** An onRequest hook refusing a request without `Authorization: Bearer <token>`. */
export function bearerGuard(token: string) {
  const expected = digest(token)
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice(7) : ''
    if (given === '' || !timingSafeEqual(digest(given), expected)) {
      throw new BakeryError(ErrorCode.HTTP_UNAUTHORIZED, 'admin API needs Authorization: Bearer <token>', {
        status: 401,
      })
    }
  }
}

export function registerAdminRoutes(app: HttpApp, options: AdminOptions): void {
  const authorise = bearerGuard(options.token)
  app.get('/admin/breakers', { onRequest: authorise }, async () => ({
    breakers: options.breakers.map((b) => b.snapshot()),
  }))
  registerFaultRoutes(app, { faults: options.faults, defaultTarget: options.defaultTarget, authorise })
}
