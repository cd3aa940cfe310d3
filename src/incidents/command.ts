// `bakery incident list | start <name> [--seed N] [--duration S] | status | hint | stop |
// grade --run <id> --answer answer.json | export --run <id> --format rcaeval|openrca --out DIR`.
// Runs happen in the dashboard's process (where the services, spans and metrics are), so start,
// status, hint and stop talk to it over HTTP; grade and export read the run files directly.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Config } from '../config.ts'
import { cliAdminToken } from '../platform/admin-token.ts'
import { BakeryError, ErrorCode, errorMessage } from '../platform/errors.ts'
import { catalogue } from './catalogue.ts'
import { EXPORT_FORMATS, exportRun } from './export/index.ts'
import { formatGrade, gradeAnswer, parseAnswer } from './grade.ts'
import { createGroundTruthLog } from './ground-truth.ts'
import { REASONS } from './model.ts'
import type { RunView } from './runner.ts'

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode))

export const INCIDENT_HELP = `Usage: bakery incident <command>

  list                          the catalogue (name, title, symptom)
  start <name> [--seed N] [--duration S]
                                start an incident on the running stack (the dashboard's process)
  status                        the run in progress: clock, hints taken, signals seen so far
  hint                          reveal the next hint
  stop                          end the run now; its ground truth is written
  grade --run <id> --answer answer.json
                                score {component, reason, time} like OpenRCA; prints right and wrong
  export --run <id> --format ${EXPORT_FORMATS.join('|')} --out DIR
                                the run's ground truth and telemetry in that dataset's layout

Options: --url <dashboard URL> (default BAKERY_DASHBOARD_URL)
Reasons: ${REASONS.join(', ')}`

export interface CommandIo {
  out: (line: string) => void
  err: (line: string) => void
}

async function call(
  base: URL,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<unknown> {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  const response = await fetch(new URL(path, base), {
    method,
    headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: unknown) => {
    throw new BakeryError(
      ErrorCode.DEPENDENCY_FAILED,
      `the dashboard at ${base.href} is not reachable (${errorMessage(error)}); is bakery start running?`,
    )
  })
  const parsed = (await response.json().catch(() => ({}))) as { code?: string; message?: string }
  if (!response.ok) {
    // The dashboard's own code when it sent one (e.g. an unknown incident), so callers can branch on it.
    const code = KNOWN_CODES.has(parsed.code ?? '') ? (parsed.code as ErrorCode) : ErrorCode.DEPENDENCY_FAILED
    throw new BakeryError(code, parsed.message ?? `the dashboard answered ${response.status}`)
  }
  return parsed
}

export function formatRun(run: RunView | null): string {
  if (!run) return 'no incident has run yet'
  const lines = [
    `${run.caseId}  ${run.state}  ${run.elapsedS.toFixed(0)} s of ${run.durationS} s  (seed ${run.seed})`,
    `${run.title}: ${run.symptom}`,
    ...run.hints.map((hint, i) => `hint ${i + 1}: ${hint}`),
    `${run.hintsLeft} hint(s) left`,
  ]
  if (run.verified) {
    lines.push(
      `signals: ${run.verified.signals.map((s) => `${s.service} ${s.signal} ${s.seen ? `seen after ${s.detect_ms} ms` : 'not yet'}`).join('; ')}`,
    )
  }
  if (run.error) lines.push(`error: ${run.error}`)
  return lines.join('\n')
}

export async function runIncidentCommand(argv: string[], config: Config, io: CommandIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: 'string' },
      duration: { type: 'string' },
      run: { type: 'string' },
      answer: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, name] = positionals
  const base = new URL(values.url ?? config.dashboardUrl.href)
  const token = cliAdminToken(config)
  const dashboard = (method: string, path: string, body?: unknown) => call(base, method, path, body, token)
  const number = (flag: string, raw: string | undefined) => {
    if (raw === undefined) return undefined
    const value = Number(raw)
    if (!Number.isFinite(value))
      throw new BakeryError(ErrorCode.HTTP_VALIDATION, `--${flag} must be a number, got ${raw}`)
    return value
  }
  try {
    switch (command) {
      case 'list':
        for (const i of catalogue) io.out(`${i.name.padEnd(22)} ${i.title}\n${''.padEnd(22)} ${i.symptom}`)
        return 0
      case 'start': {
        if (!name) {
          throw new BakeryError(
            ErrorCode.CLI_USAGE,
            `start needs an incident name: ${catalogue.map((i) => i.name).join(', ')}`,
          )
        }
        const seed = number('seed', values.seed)
        const durationS = number('duration', values.duration)
        const { run } = (await dashboard('POST', '/api/incidents/run', {
          name,
          ...(seed === undefined ? {} : { seed }),
          ...(durationS === undefined ? {} : { durationS }),
        })) as { run: RunView }
        io.out(formatRun(run))
        return 0
      }
      case 'status':
        io.out(formatRun(((await dashboard('GET', '/api/incidents/run')) as { run: RunView | null }).run))
        return 0
      case 'hint':
        io.out(formatRun(((await dashboard('POST', '/api/incidents/run/hint')) as { run: RunView }).run))
        return 0
      case 'stop': {
        const { run } = (await dashboard('DELETE', '/api/incidents/run')) as { run: RunView }
        io.out(formatRun(run))
        if (run.groundTruth)
          io.out(
            `ground truth: ${JSON.stringify(run.groundTruth.root_cause)} (verified ${run.groundTruth.verified.ok})`,
          )
        return 0
      }
      case 'grade': {
        if (!values.run || !values.answer) {
          throw new BakeryError(ErrorCode.CLI_USAGE, 'grade needs --run <id> and --answer <file.json>')
        }
        const log = createGroundTruthLog(join(config.incidentDir, 'ground-truth.jsonl'))
        const answer = parseAnswer(JSON.parse(await readFile(values.answer, 'utf8')))
        io.out(formatGrade(gradeAnswer(await log.get(values.run), answer)))
        return 0
      }
      case 'export': {
        if (!values.run || !values.format || !values.out)
          throw new BakeryError(ErrorCode.CLI_USAGE, 'export needs --run, --format and --out')
        const files = await exportRun({
          log: createGroundTruthLog(join(config.incidentDir, 'ground-truth.jsonl')),
          incidentDir: config.incidentDir,
          caseId: values.run,
          format: values.format,
          out: values.out,
        })
        for (const file of files) io.out(join(values.out, file))
        return 0
      }
      default:
        io.out(INCIDENT_HELP)
        return command === undefined || values.help ? 0 : 2
    }
  } catch (error) {
    io.err(`bakery incident: ${errorMessage(error)}`)
    return error instanceof BakeryError && error.status === 404 ? 1 : 2
  }
}
