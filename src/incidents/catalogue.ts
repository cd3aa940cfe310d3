// The incident catalogue, in the order `bakery incident list` shows it.
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import { baristaTooSlow, paymentsHalfErrors, retryStorm } from './catalogue-coffee.ts'
import { aggregatorCpuBurn, consumerLowLag, slowAlbumListing } from './catalogue-data.ts'
import {
  bakerPoolOfOne,
  memoryLeak,
  onePastryFails,
  poisonMessage,
  redisLatency,
} from './catalogue-orders.ts'
import type { Incident } from './model.ts'

export const catalogue: readonly Incident[] = [
  bakerPoolOfOne,
  slowAlbumListing,
  retryStorm,
  baristaTooSlow,
  memoryLeak,
  redisLatency,
  poisonMessage,
  consumerLowLag,
  paymentsHalfErrors,
  onePastryFails,
  aggregatorCpuBurn,
]

export function findIncident(name: string): Incident {
  const incident = catalogue.find((i) => i.name === name)
  if (!incident) {
    throw new BakeryError(
      ErrorCode.INCIDENT_UNKNOWN,
      `unknown incident "${name}"; valid: ${catalogue.map((i) => i.name).join(', ')}`,
      { status: 400 },
    )
  }
  return incident
}
