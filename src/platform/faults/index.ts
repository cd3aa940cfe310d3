export { faultyCache, REDIS_METHODS, withoutCacheFaults } from './cache.ts'
export { clientFault, faultyFetch, faultyRequest } from './client.ts'
export { faultyDatabase } from './db.ts'
export { installHttpFaults } from './http.ts'
export { isLegacyBody, LEGACY_FIELDS, type LegacyChange, translateLegacy } from './legacy.ts'
export { type MatchAttributes, matchAttributes, messageAttributes } from './match.ts'
export {
  FAULT_SERVICES,
  FAULT_TYPES,
  type FaultMatch,
  type FaultSchedule,
  type FaultSpec,
  type FaultState,
  type FaultType,
  faultId,
  MATCH_KEYS,
  type MatchKey,
  type ParamDef,
  paramDefs,
  SEAM_MATCH_KEYS,
  SEAMS,
  Seam,
  type ServiceKind,
  seamsOfType,
} from './model.ts'
export { type ProcessFaultOptions, runProcessFaults } from './process.ts'
export { faultyQueue } from './queue.ts'
export { createFaultRegistry, type FaultEvent, type FaultRegistry, hit, type SeamSlot } from './registry.ts'
export { firstStart, nextStart, type RandomFault, randomFaults, seededRandom } from './schedule.ts'
export { faultyStream } from './stream.ts'
export {
  assignmentsToObject,
  FAULT_TEXT_SYNTAX,
  faultTextProblems,
  faultTextToObject,
  parseFaultText,
} from './text.ts'
export { type Parsed, parseFault, validTargets } from './validate.ts'
