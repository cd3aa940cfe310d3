// bakery fault list | set | clear | schedule | verify — the fault engine from the command line.
import { userInfo } from 'node:os'
import { parseArgs } from 'node:util'
import type { Config } from '../config.ts'
import { parseDuration } from '../load/index.ts'
import { cliAdminToken } from '../platform/admin-token.ts'
import {
  assignmentsToObject,
  type FaultState,
  parseFault,
  randomFaults,
  SEAMS,
  type Seam,
} from '../platform/faults/index.ts'
import type { FaultIo } from './io.ts'
import { createRemote } from './remote.ts'

export const FAULT_HELP = `Usage: bakery fault <command>

  list                                   active and scheduled faults of every running process
  set <target> <type> [field=value ...]  set a fault on its owning service, e.g.
        bakery fault set baker.db latency ms=200 jitterMs=50 rate=0.5
        bakery fault set reception.http error status=503 match.pastry=croissant schedule.durationMs=30000
  clear [<target> [<type>]]              clear faults (all when no target)
  schedule --seed N [--count 5] [--over 2m] [--min 10s] [--max 30s] [--services a,b] [--seams db,queue] [--dry-run]
                                         set a reproducible random schedule (same seed, same faults and times)
  verify [<type>] [--target t]           start a small embedded stack, inject each fault, check its
                                         signature in traces and metrics, clear it, check recovery

Options: --url URL (repeatable) talks to these processes instead of the configured addresses.
Targets are <service> or <service>.<seam>; types, fields and ranges: docs/faults.md.`

export type { FaultIo }

const who = () => {
  try {
    return `cli:${userInfo().username}`.slice(0, 64)
  } catch {
    return 'cli'
  }
}

function describe(f: FaultState): string {
  const params = Object.entries(f.params).map(([k, v]) => `${k}=${v}`)
  const match = Object.entries(f.match).map(([k, v]) => `match.${k}=${v}`)
  const rate = f.rate < 1 ? [`rate=${f.rate}`] : []
  const state = f.active ? 'active' : `waiting${f.nextChange ? ` until ${f.nextChange}` : ''}`
  return `${f.target.padEnd(28)} ${f.type.padEnd(17)} ${state.padEnd(8)} ${[...params, ...rate, ...match].join(' ')}  (by ${f.by})`
}

function problemsOf(body: unknown): string {
  const b = body as { message?: string }
  return typeof b?.message === 'string' ? b.message : JSON.stringify(body)
}

export async function runFaultCommand(argv: string[], config: Config, io: FaultIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
      seed: { type: 'string' },
      count: { type: 'string', default: '5' },
      over: { type: 'string', default: '2m' },
      min: { type: 'string', default: '10s' },
      max: { type: 'string', default: '30s' },
      services: { type: 'string' },
      seams: { type: 'string' },
      'dry-run': { type: 'boolean' },
      target: { type: 'string' },
    },
  })
  const [command, ...rest] = positionals
  if (values.help || command === undefined) {
    io.out.write(`${FAULT_HELP}\n`)
    return command === undefined && !values.help ? 2 : 0
  }
  if (command === 'verify') {
    const { runVerifyCommand } = await import('./verify-command.ts')
    return runVerifyCommand(rest[0], values.target, config, io)
  }
  const remote = createRemote(config, cliAdminToken(config), values.url)
  if (command === 'list') {
    const processes = await remote.processes()
    if (processes.length === 0) {
      io.err.write('bakery fault: no running process answered; start the stack or pass --url\n')
      return 1
    }
    for (const p of processes) {
      io.out.write(`${p.url} (${p.services.join(', ')})\n`)
      io.out.write(
        p.faults.length === 0 ? '  no faults\n' : `${p.faults.map((f) => `  ${describe(f)}`).join('\n')}\n`,
      )
    }
    return 0
  }
  if (command === 'set') {
    const [target, type, ...fields] = rest
    const problems: string[] = []
    const body = { ...assignmentsToObject(fields, problems), target, type, by: who() }
    const parsed = parseFault(body, who())
    if (problems.length > 0 || parsed.problems) {
      io.err.write(`bakery fault: ${[...problems, ...(parsed.problems ?? [])].join('\n  ')}\n`)
      return 2
    }
    const url = await remote.owner(parsed.spec.service)
    const answer = await remote.call(url, 'PUT', '/admin/faults', body)
    if (answer.status !== 200) {
      io.err.write(`bakery fault: ${url} answered ${answer.status}: ${problemsOf(answer.body)}\n`)
      return answer.status === 400 ? 2 : 1
    }
    io.out.write(`${url}: ${describe(answer.body as FaultState)}\n`)
    return 0
  }
  if (command === 'clear') return clear(remote, rest[0], rest[1], io)
  if (command === 'schedule') return schedule(remote, values, io)
  io.err.write(`bakery fault: unknown command "${command}"\n${FAULT_HELP}\n`)
  return 2
}

async function clear(
  remote: ReturnType<typeof createRemote>,
  target: string | undefined,
  type: string | undefined,
  io: FaultIo,
) {
  const query = new URLSearchParams({ by: who() })
  if (target) query.set('target', target)
  if (type) query.set('type', type)
  const processes = await remote.processes()
  const urls = target ? [await remote.owner(target.split('.')[0] ?? '')] : processes.map((p) => p.url)
  let cleared = 0
  for (const url of urls) {
    const answer = await remote.call(url, 'DELETE', `/admin/faults?${query}`)
    if (answer.status !== 200) {
      io.err.write(`bakery fault: ${url} answered ${answer.status}: ${problemsOf(answer.body)}\n`)
      return answer.status === 400 ? 2 : 1
    }
    cleared += (answer.body as { cleared: unknown[] }).cleared.length
  }
  io.out.write(`cleared ${cleared} fault${cleared === 1 ? '' : 's'}\n`)
  return 0
}

async function schedule(
  remote: ReturnType<typeof createRemote>,
  values: Record<string, string | boolean | string[] | undefined>,
  io: FaultIo,
): Promise<number> {
  const seed = Number(values.seed)
  if (values.seed === undefined || !Number.isInteger(seed)) {
    io.err.write(
      'bakery fault schedule: --seed <integer> is required (the same seed replays the same faults)\n',
    )
    return 2
  }
  const seams = typeof values.seams === 'string' ? values.seams.split(',') : undefined
  const bad = seams?.filter((s) => !(SEAMS as readonly string[]).includes(s)) ?? []
  const count = Number(values.count)
  if (bad.length > 0 || !Number.isInteger(count) || count < 1 || count > 100) {
    io.err.write(`bakery fault schedule: --count is 1 to 100; --seams from ${SEAMS.join(', ')}\n`)
    return 2
  }
  const faults = randomFaults({
    seed,
    count,
    overMs: parseDuration(String(values.over)),
    minDurationMs: parseDuration(String(values.min)),
    maxDurationMs: parseDuration(String(values.max)),
    ...(typeof values.services === 'string' ? { services: values.services.split(',') } : {}),
    ...(seams ? { seams: seams as Seam[] } : {}),
  })
  for (const fault of faults) {
    const line = `+${String(fault.schedule.startAfterMs).padStart(7)} ms  ${fault.target.padEnd(28)} ${fault.type.padEnd(16)} for ${fault.schedule.durationMs} ms rate=${fault.rate}`
    if (values['dry-run']) {
      io.out.write(`${line}\n`)
      continue
    }
    const url = await remote.owner(fault.target.split('.')[0] ?? '')
    const answer = await remote.call(url, 'PUT', '/admin/faults', { ...fault, by: `schedule:seed=${seed}` })
    if (answer.status !== 200) {
      io.err.write(`bakery fault: ${url} answered ${answer.status}: ${problemsOf(answer.body)}\n`)
      return 1
    }
    io.out.write(`${line}  → ${url}\n`)
  }
  return 0
}
