// How the runner switches faults on and off: through the fault engine's registry of this
// process. One adapter, so the runner never knows the engine's spec format.
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { FaultRegistry } from '../platform/faults/index.ts'
import type { PlannedFault } from './plan.ts'

export interface FaultPort {
  /** Switches the fault on; throws BKR_INCIDENT_* naming the target when the engine cannot. */
  apply(fault: PlannedFault): Promise<void>
  /** Switches it off again. */
  remove(fault: PlannedFault): Promise<void>
}

export function registryFaultPort(registry: FaultRegistry): FaultPort {
  const targetOf = (fault: PlannedFault) => fault.target.split('.')[0] ?? fault.target
  return {
    async apply(fault) {
      const target = targetOf(fault)
      const ms = Number(fault.params.ms ?? 0)
      if (fault.type === 'latency') registry.set(target, { latencyMs: ms })
      else if (fault.type === 'error') registry.set(target, { errorRate: fault.rate ?? 1 })
      else {
        throw new BakeryError(
          ErrorCode.INCIDENT_UNKNOWN,
          `fault type ${fault.type} on ${fault.target} is not available in this fault engine`,
          { status: 400 },
        )
      }
    },
    async remove(fault) {
      registry.clear(targetOf(fault))
    },
  }
}
