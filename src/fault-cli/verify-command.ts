// bakery fault verify [<type>] [--target t]: starts the verify stack (adapters from the
// environment), runs the self-tests and prints `type | target | signature | seen in | ok`.
import type { Config } from '../config.ts'
import { FAULT_TYPES, SEAMS } from '../platform/faults/index.ts'
import type { FaultIo } from './io.ts'
import { saveVerifyReport } from './verify/report.ts'
import { formatTable, runCheck, runExitCheck, selectChecks, type VerifyResult } from './verify/run.ts'
import { startVerifyStack } from './verify/stack.ts'

export async function runVerifyCommand(
  type: string | undefined,
  target: string | undefined,
  _config: Config,
  io: FaultIo,
): Promise<number> {
  const checks = selectChecks(type, target)
  const wantsExit =
    (type === undefined || type === 'exit') && (target === undefined || target.startsWith('payments'))
  if (checks.length === 0 && !wantsExit) {
    const types = [...new Set(SEAMS.flatMap((s) => Object.keys(FAULT_TYPES[s])))]
    io.err.write(
      `bakery fault verify: no self-test for ${type ?? ''} ${target ?? ''}; types: ${types.join(', ')}\n`,
    )
    return 2
  }
  const results: VerifyResult[] = []
  if (checks.length > 0) {
    const stack = await startVerifyStack(process.env)
    try {
      for (const check of checks) {
        const result = await runCheck(stack, check)
        io.err.write(`${result.ok ? 'ok  ' : 'FAIL'} ${result.type} ${result.target}: ${result.detail}\n`)
        results.push(result)
      }
    } finally {
      await stack.stop()
    }
  }
  if (wantsExit) results.push(await runExitCheck(process.env))
  io.out.write(`${formatTable(results)}\n`)
  saveVerifyReport(results)
  return results.every((r) => r.ok) ? 0 : 1
}
