// How the runner switches faults on and off: through the fault engine of this process, with the
// engine's own validation (an unknown target, type or parameter fails the run, naming it).
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import { type FaultRegistry, parseFault } from '../platform/faults/index.ts'
import type { PlannedFault } from './plan.ts'

export interface FaultPort {
  /** Switches the fault on; throws BKR_INCIDENT_* naming the target when the engine cannot. */
  apply(fault: PlannedFault, by: string): Promise<void>
  /** Switches it off again. */
  remove(fault: PlannedFault, by: string): Promise<void>
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

export function registryFaultPort(registry: FaultRegistry): FaultPort {
  const specs = new Map<PlannedFault, { target: string; type: string }>()
  return {
    async apply(fault, by) {
      const parsed = parseFault(faultBody(fault), by)
      if (!parsed.spec) {
        throw new BakeryError(
          ErrorCode.INCIDENT_UNKNOWN,
          `fault ${fault.target} ${fault.type}: ${parsed.problems.join('; ')}`,
          {
            status: 400,
          },
        )
      }
      registry.set(parsed.spec)
      specs.set(fault, { target: parsed.spec.target, type: parsed.spec.type })
    },
    async remove(fault, by) {
      const spec = specs.get(fault)
      if (spec) registry.clear(spec, by)
      specs.delete(fault)
    },
  }
}
