// `bakery telemetry runs|export|import`: the telemetry store from the command line. The store is
// opened without starting a run, so a running dashboard (WAL: readers never block) is no bother.
import { createReadStream, createWriteStream } from 'node:fs'
import { basename } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import type { Config } from './config.ts'
import { BakeryError, ErrorCode } from './platform/errors.ts'
import { exportRun, importRun, openConfiguredStore } from './platform/telemetry/store/index.ts'

export const TELEMETRY_HELP = `Usage: bakery telemetry <command>

  runs                          list the runs in the telemetry store (BAKERY_TELEMETRY_STORE)
  export --run <id> --out FILE  write a run as gzip'd OTLP JSON lines (traces, logs, metrics)
  import FILE                   load such a file into a new run the dashboard can open`

function usage(message: string): BakeryError {
  return new BakeryError(ErrorCode.TELEMETRY_IMPORT_INVALID, `${message}\n\n${TELEMETRY_HELP}`, {
    status: 400,
  })
}

export async function runTelemetryCommand(
  args: string[],
  config: Config,
  write: (line: string) => void,
): Promise<void> {
  const [command, ...rest] = args
  if (command === undefined || command === 'help' || command === '--help') return write(TELEMETRY_HELP)
  if (!['runs', 'export', 'import'].includes(command)) throw usage(`unknown telemetry command "${command}"`)
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { run: { type: 'string' }, out: { type: 'string' } },
  })
  const store = openConfiguredStore(config, false)
  try {
    if (command === 'runs') {
      for (const run of store.runs()) {
        const ended = run.endedMs === null ? 'open' : new Date(run.endedMs).toISOString()
        write(
          `${String(run.id).padStart(4)}  ${run.source.padEnd(6)}  ${new Date(run.startedMs).toISOString()}  ${ended.padEnd(24)}  ${run.spans} spans, ${run.logs} logs, ${run.snapshots} metric snapshots  ${run.label}`,
        )
      }
      return
    }
    if (command === 'export') {
      const run = Number(values.run)
      if (!Number.isInteger(run) || run < 1) throw usage('--run must be a run id (see bakery telemetry runs)')
      if (!values.out) throw usage('--out FILE is required')
      await pipeline(exportRun(store, run), createWriteStream(values.out))
      write(`run ${run} written to ${values.out}`)
      return
    }
    const [file] = positionals
    if (!file) throw usage('import needs a FILE')
    const run = await importRun(
      store,
      createReadStream(file),
      basename(file),
      config.telemetryBudgetMb * 1024 * 1024,
    )
    write(`imported ${file} as run ${run}`)
  } finally {
    store.close()
  }
}
