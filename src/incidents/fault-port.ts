// How the runner switches faults on and off: through the fault engine of this process for the
// services it runs, and over HTTP to the owning process's `/admin/faults` for the others, with the
// engine's own validation either way (an unknown target, type or parameter fails the run, naming it).
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import { type FaultRegistry, parseFault } from '../platform/faults/index.ts'
import type { PlannedFault } from './plan.ts'

export interface FaultPort {
  /** Switches the fault on; throws BKR_INCIDENT_* naming the target when the engine cannot. */
  apply(fault: PlannedFault, by: string): Promise<void>
  /** Switches it off again. */
  remove(fault: PlannedFault, by: string): Promise<void>
}

/** The processes that run services elsewhere (the fault CLI's remote, passed in by the wiring). */
export interface FaultOwners {
  /** Base URL of the process that runs `service`; throws when none answers for it. */
  owner(service: string): Promise<string>
  call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>
}

/** The body the fault engine's API takes for a planned fault. */
export function faultBody(fault: PlannedFault): Record<string, unknown> {
  return {
    target: fault.target,
    type: fault.type,
    params: fault.params,
    ...(fault.rate === undefined ? {} : { rate: fault.rate }),
    ...(fault.match === undefined ? {} : { match: fault.match }),
  }
}

function refused(fault: PlannedFault, problem: string): BakeryError {
  return new BakeryError(ErrorCode.INCIDENT_UNKNOWN, `fault ${fault.target} ${fault.type}: ${problem}`, {
    status: 400,
  })
}

interface Placed {
  target: string
  type: string
  /** The owning process, when not this one. */
  url?: string
}

/**
 * Faults of services in this process go to its registry; with `owners`, faults of services that
 * run elsewhere go to their process (without it they are refused, never set where nothing acts).
 */
export function registryFaultPort(registry: FaultRegistry, owners?: () => FaultOwners): FaultPort {
  const placed = new Map<PlannedFault, Placed & { owners?: FaultOwners }>()
  const local = (service: string) => registry.localServices.size === 0 || registry.localServices.has(service)
  return {
    async apply(fault, by) {
      const parsed = parseFault(faultBody(fault), by)
      if (!parsed.spec) throw refused(fault, parsed.problems.join('; '))
      const { spec } = parsed
      if (local(spec.service)) {
        registry.set(spec)
        placed.set(fault, { target: spec.target, type: spec.type })
        return
      }
      if (!owners) {
        throw refused(
          fault,
          `${spec.service} does not run in this process (${[...registry.localServices].join(', ')})`,
        )
      }
      const remote = owners()
      const url = await remote.owner(spec.service).catch((error: Error) => {
        throw refused(fault, error.message)
      })
      const answer = await remote.call(url, 'PUT', '/admin/faults', { ...faultBody(fault), by })
      if (answer.status !== 200) {
        const message = (answer.body as { message?: string } | undefined)?.message
        throw refused(fault, `${url} answered ${answer.status}${message ? `: ${message}` : ''}`)
      }
      placed.set(fault, { target: spec.target, type: spec.type, url, owners: remote })
    },
    async remove(fault, by) {
      const where = placed.get(fault)
      placed.delete(fault)
      if (!where) return
      if (where.url === undefined || !where.owners) {
        registry.clear(where, by)
        return
      }
      const query = new URLSearchParams({ target: where.target, type: where.type })
      await where.owners.call(where.url, 'DELETE', `/admin/faults?${query}`)
    },
  }
}
