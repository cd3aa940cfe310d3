export { installHttpFaults } from './http.ts'
export {
  type ActiveFault,
  createFaultRegistry,
  FAULT_PAIRS_ALLOWED,
  type FaultRegistry,
  type FaultSpec,
  type FaultUpdate,
  faultPairProblems,
  faultProblems,
  noFault,
  parseFaultPairs,
} from './registry.ts'
