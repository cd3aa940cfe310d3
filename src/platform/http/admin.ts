// The admin API every service may mount: circuit breakers (read) and fault injection (read and
// write), behind a bearer token. Comparing in constant time keeps the token from leaking by timing.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BakeryError, ErrorCode } from '../errors.ts'
import { type FaultRegistry, type FaultUpdate, faultProblems } from '../faults/index.ts'
import type { ResiliencePolicy } from '../resilience/index.ts'
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

export function registerAdminRoutes(app: HttpApp, options: AdminOptions): void {
  const expected = digest(options.token)
  const authorise = async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice(7) : ''
    if (given === '' || !timingSafeEqual(digest(given), expected)) {
      throw new BakeryError(ErrorCode.HTTP_UNAUTHORIZED, 'admin API needs Authorization: Bearer <token>', {
        status: 401,
      })
    }
  }
  app.get('/admin/breakers', { onRequest: authorise }, async () => ({
    breakers: options.breakers.map((b) => b.snapshot()),
  }))
  app.get('/admin/faults', { onRequest: authorise }, async () => ({ faults: options.faults.list() }))
  app.put('/admin/faults', { onRequest: authorise }, async (request) => {
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw validation('the body must be a JSON object of fault settings')
    }
    const update = body as Record<string, unknown>
    const target = update.target ?? options.defaultTarget
    if (typeof target !== 'string' || !/^[\w.-]{1,64}$/.test(target)) throw validation('target is invalid')
    const problems = faultProblems(update)
    if (problems.length > 0) throw validation(problems.join('; '))
    const { target: _ignored, ...settings } = update
    request.log.warn({ target, settings }, 'fault injection changed')
    return options.faults.set(target, settings as FaultUpdate)
  })
  app.delete('/admin/faults', { onRequest: authorise }, async (request) => {
    const { target } = request.query as { target?: string }
    options.faults.clear(target)
    request.log.warn({ target: target ?? 'all' }, 'faults cleared')
    return { faults: options.faults.list() }
  })
}

function validation(message: string): BakeryError {
  return new BakeryError(ErrorCode.HTTP_VALIDATION, message, { status: 400 })
}
