export { installHttpFaults } from './http.ts'
export {
  type ActiveFault,
  createFaultRegistry,
  type FaultRegistry,
  type FaultSpec,
  type FaultUpdate,
  faultProblems,
  noFault,
  parseFaultPairs,
} from './registry.ts'
