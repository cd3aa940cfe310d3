// The Drills page's fault API: /api/faults lists the faults of every process the dashboard can
// reach and forwards a set or clear to the process that runs the target's service (never to
// whichever service happens to answer), with the admin token the dashboard holds. Access to
// these routes is the dashboard's own (login cookie or bearer token for state changes).

import { configuredAddresses, createRemote } from '../fault-cli/remote.ts'
import { lastVerifyReport } from '../fault-cli/verify/report.ts'
import type { Config } from '../platform/config/index.ts'
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

export function registerFaultRoutes(
  app: HttpApp,
  config: Config,
  upstreams: readonly Upstream[],
  adminToken: () => string,
): void {
  // The upstreams first (they honour BAKERY_DASHBOARD_UPSTREAMS), then every configured address.
  const urls = [...new Set([...upstreams.map((u) => u.url), ...configuredAddresses(config).values()])]
  const remote = () => createRemote(config, adminToken(), urls)
  const forward = async (url: string, method: string, path: string, body?: unknown) => {
    const answer = await remote().call(url, method, path, body)
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
  app.get('/api/faults', async () => ({
    processes: (await remote().processes()).map((p) => ({ services: p.services, faults: p.faults })),
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
    const owner = await remote()
      .owner(parsed.spec.service)
      .catch((error: Error) => {
        throw new BakeryError(ErrorCode.DASHBOARD_UPSTREAM, error.message, { status: 502 })
      })
    return forward(owner, 'PUT', '/admin/faults', { by: 'dashboard', ...(request.body as object) })
  })
  app.delete('/api/faults', async (request) => {
    const { target, type } = request.query as { target?: string; type?: string }
    const query = new URLSearchParams({ by: 'dashboard' })
    if (typeof target === 'string' && target !== '') query.set('target', target)
    if (typeof type === 'string' && type !== '') query.set('type', type)
    const processes = await remote().processes()
    const service = typeof target === 'string' ? target.split('.')[0] : undefined
    const owners = processes.filter((p) => service === undefined || p.services.includes(service))
    let cleared = 0
    for (const p of owners) {
      const answer = (await forward(p.url, 'DELETE', `/admin/faults?${query}`)) as { cleared?: unknown[] }
      cleared += answer.cleared?.length ?? 0
    }
    return { cleared }
  })
}
