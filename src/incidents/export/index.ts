// `bakery incident export`: a run's ground truth and telemetry in a dataset's layout.
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { GroundTruthLog } from '../ground-truth.ts'
import { loadRunTelemetry, runDirectory } from '../run-telemetry.ts'
import { exportOpenRca } from './openrca.ts'
import { exportRcaEval } from './rcaeval.ts'

export const EXPORT_FORMATS = ['rcaeval', 'openrca'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export async function exportRun(options: {
  log: GroundTruthLog
  incidentDir: string
  caseId: string
  format: string
  out: string
}): Promise<string[]> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new BakeryError(ErrorCode.HTTP_VALIDATION, `format must be one of: ${EXPORT_FORMATS.join(', ')}`, {
      status: 400,
    })
  }
  const truth = await options.log.get(options.caseId)
  const telemetry = await loadRunTelemetry(runDirectory(options.incidentDir, options.caseId))
  return options.format === 'rcaeval'
    ? exportRcaEval(truth, telemetry, options.out)
    : exportOpenRca(truth, telemetry, options.out)
}
