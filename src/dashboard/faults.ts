// The Drills page's fault API: /api/faults lists the faults of every process the dashboard can
// reach and forwards a set or clear to the process that runs the target's service (never to
// whichever service happens to answer), with the admin token the dashboard holds. Access to
// these routes is the dashboard's own (login cookie or bearer token for state changes).

import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.ts'
import { configuredAddresses, createRemote, type Remote } from '../fault-cli/remote.ts'
import { lastVerifyReport } from '../fault-cli/verify/report.ts'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import {
  FAULT_SERVICES,
  FAULT_TYPES,
  MATCH_KEYS,
  paramDefs,
  parseFault,
  SEAMS,
} from '../platform/faults/index.ts'
import type { HttpApp } from '../platform/http/index.ts'
import type { Upstream } from './upstreams.ts'

function catalogue() {
  return {
    services: FAULT_SERVICES,
    types: Object.fromEntries(
      SEAMS.map((seam) => [
        seam,
        Object.fromEntries(Object.keys(FAULT_TYPES[seam]).map((type) => [type, paramDefs(seam, type)])),
      ]),
    ),
    matchKeys: MATCH_KEYS,
  }
}

/** Every address a fault's owner may answer at: the upstreams (they honour
 * BAKERY_DASHBOARD_UPSTREAMS), then every configured address. */
function candidateUrls(config: Config, upstreams: readonly Upstream[]): string[] {
  return [...new Set([...upstreams.map((u) => u.url), ...configuredAddresses(config).values()])]
}

/** The processes that run each service, for incident runs that place faults outside this process.
 * A new probe per call: services may have started or stopped since the last run. */
export function faultOwners(
  config: Config,
  upstreams: readonly Upstream[],
  adminToken: () => string,
): () => Remote {
  const urls = candidateUrls(config, upstreams)
  return () => createRemote(config, adminToken(), urls)
}

export function registerFaultRoutes(
  app: HttpApp,
  config: Config,
  upstreams: readonly Upstream[],
  adminToken: () => string,
): void {
  const urls = candidateUrls(config, upstreams)
  // The caller's bearer token when it sends one (as the CLI and the Drills page do), else the
  // dashboard's own for a logged-in session: a wrong token is refused by the services (401).
  const tokenOf = (request: FastifyRequest) => {
    const header = request.headers.authorization
    return header?.startsWith('Bearer ') ? header.slice(7) : adminToken()
  }
  const remote = (request: FastifyRequest) => createRemote(config, tokenOf(request), urls)
  const processes = (request: FastifyRequest) =>
    remote(request)
      .processes()
      .catch((error: Error) => {
        throw new BakeryError(ErrorCode.HTTP_UNAUTHORIZED, error.message, { status: 401 })
      })
  const forward = async (
    request: FastifyRequest,
    url: string,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const answer = await remote(request).call(url, method, path, body)
    if (answer.status >= 400) {
      const message = (answer.body as { message?: string })?.message ?? `answered ${answer.status}`
      throw new BakeryError(
        answer.status === 400 ? ErrorCode.FAULT_INVALID : ErrorCode.DASHBOARD_UPSTREAM,
        message,
        {
          status: answer.status === 400 ? 400 : 502,
        },
      )
    }
    return answer.body
  }
  app.get('/api/faults', async (request) => ({
    processes: (await processes(request)).map((p) => ({ services: p.services, faults: p.faults })),
    catalogue: catalogue(),
    lastVerify: lastVerifyReport(),
  }))
  app.put('/api/faults', async (request) => {
    const parsed = parseFault(request.body, 'dashboard')
    if (parsed.problems) {
      throw new BakeryError(ErrorCode.FAULT_INVALID, parsed.problems.join('; '), {
        status: 400,
        details: parsed.problems,
      })
    }
    await processes(request)
    const owner = await remote(request)
      .owner(parsed.spec.service)
      .catch((error: Error) => {
        throw new BakeryError(ErrorCode.DASHBOARD_UPSTREAM, error.message, { status: 502 })
      })
    return forward(request, owner, 'PUT', '/admin/faults', { by: 'dashboard', ...(request.body as object) })
  })
  app.delete('/api/faults', async (request) => {
    const { target, type } = request.query as { target?: string; type?: string }
    const query = new URLSearchParams({ by: 'dashboard' })
    if (typeof target === 'string' && target !== '') query.set('target', target)
    if (typeof type === 'string' && type !== '') query.set('type', type)
    const service = typeof target === 'string' ? target.split('.')[0] : undefined
    const owners = (await processes(request)).filter(
      (p) => service === undefined || p.services.includes(service),
    )
    let cleared = 0
    for (const p of owners) {
      const answer = (await forward(request, p.url, 'DELETE', `/admin/faults?${query}`)) as {
        cleared?: unknown[]
      }
      cleared += answer.cleared?.length ?? 0
    }
    return { cleared }
  })
}
