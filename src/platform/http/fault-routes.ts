// GET/PUT/DELETE /admin/faults on the fault model. Every answer to a bad input is a 400 naming
// the field and the valid values; a fault for a service of another process is refused, not kept.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BakeryError, ErrorCode } from '../errors.ts'
import {
  FAULT_SERVICES,
  type FaultRegistry,
  type FaultSpec,
  type FaultState,
  isLegacyBody,
  parseFault,
  translateLegacy,
  validTargets,
} from '../faults/index.ts'
import type { HttpApp } from './server.ts'

export interface FaultRouteOptions {
  faults: FaultRegistry
  /** Target of a body that names none (the service itself). */
  defaultTarget: string
  authorise: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
}

const MAX_FAULTS_PER_PUT = 32

function invalid(problems: string[]): BakeryError {
  return new BakeryError(ErrorCode.FAULT_INVALID, problems.join('; '), { status: 400, details: problems })
}

function requireLocal(faults: FaultRegistry, service: string): void {
  const local = faults.localServices
  if (local.size === 0 || local.has(service)) return
  throw new BakeryError(
    ErrorCode.FAULT_NOT_LOCAL,
    `${service} does not run in this process; send its faults to ${service} (services here: ${[...local].join(', ')})`,
    { status: 400, details: { services: [...local] } },
  )
}

function setAll(options: FaultRouteOptions, bodies: unknown[], by: string): FaultState[] {
  const specs: FaultSpec[] = []
  const problems: string[] = []
  bodies.forEach((body, i) => {
    const input =
      typeof body === 'object' && body !== null && !('target' in body)
        ? { ...body, target: options.defaultTarget }
        : body
    const parsed = parseFault(input, by)
    if (parsed.problems) problems.push(...parsed.problems.map((p) => (bodies.length > 1 ? `[${i}] ${p}` : p)))
    else specs.push(parsed.spec)
  })
  if (problems.length > 0) throw invalid(problems)
  for (const spec of specs) requireLocal(options.faults, spec.service)
  return specs.map((spec) => options.faults.set(spec))
}

/** The flat view the older body expects back: the target's settings now. */
function legacyView(faults: FaultRegistry, target: string) {
  const mine = faults.list().filter((f) => f.service === target)
  const of = (type: string) => mine.find((f) => f.type === type)
  const error = of('error') ?? of('redeliver')
  const latency = of('latency') ?? of('slow-ack')
  return {
    target,
    errorRate: error?.rate ?? 0,
    latencyMs: latency?.params.ms ?? 0,
    jitterMs: latency?.params.jitterMs ?? 0,
    down: Boolean(of('reset') ?? of('consumer-stall')),
    slowDripMs: of('slow-drip')?.params.ms ?? 0,
    faults: mine,
  }
}

export function registerFaultRoutes(app: HttpApp, options: FaultRouteOptions): void {
  if (app.hasRoute({ method: 'GET', url: '/admin/faults' })) return
  const { faults } = options
  const onRequest = options.authorise
  app.get('/admin/faults', { onRequest }, async () => ({
    services: [...faults.localServices],
    faults: faults.list(),
  }))
  app.put('/admin/faults', { onRequest }, async (request) => {
    const body = request.body
    if (isLegacyBody(body)) {
      const change = translateLegacy(body, options.defaultTarget)
      if (change.problems.length > 0) throw invalid(change.problems)
      const target = typeof body.target === 'string' ? body.target : options.defaultTarget
      requireLocal(faults, target)
      for (const clear of change.clear) faults.clear(clear, 'admin-api')
      setAll(options, change.set, 'admin-api')
      return legacyView(faults, target)
    }
    const list = Array.isArray(body) ? body : [body]
    if (list.length === 0 || list.length > MAX_FAULTS_PER_PUT) {
      throw invalid([`send one fault object or an array of 1 to ${MAX_FAULTS_PER_PUT}`])
    }
    const states = setAll(options, list, 'admin-api')
    return Array.isArray(body) ? { faults: states } : states[0]
  })
  app.delete('/admin/faults', { onRequest }, async (request) => {
    const query = request.query as { target?: unknown; type?: unknown; by?: unknown }
    const target = typeof query.target === 'string' && query.target !== '' ? query.target : undefined
    const type = typeof query.type === 'string' && query.type !== '' ? query.type : undefined
    if (target !== undefined) {
      const service = target.split('.')[0] ?? ''
      if (!FAULT_SERVICES[service] || !validTargets().includes(target)) {
        throw invalid([
          `target "${target.slice(0, 64)}" is not a fault target; valid: ${validTargets().join(', ')}`,
        ])
      }
    }
    const by = typeof query.by === 'string' && query.by.length <= 64 ? query.by : 'admin-api'
    const cleared = faults.clear({ target, type }, by)
    return { cleared, faults: faults.list() }
  })
}
