// Shared pieces of the benchmarks (run by `npm run bench`, never by `npm test`): child servers
// started and stopped by pid, readiness and start-up time, per-process CPU and RSS from /proc,
// the reference pipeline's install, progress lines, tables and JSON results.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { schema as configSchema } from '../src/config.ts'
import { formatProgress, type LoadProgress } from '../src/load/index.ts'

export const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)))
export const resultsDir = join(repoRoot, 'bench', 'results')
export const cliPath = join(repoRoot, 'src', 'cli.ts')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/**
 * Every port setting (`*_PORT`) not given in `env` set to a free port: never the defaults, which a
 * user's own bakery may hold, nor a port another benchmark process is using.
 */
export async function freePortsEnv(env: Record<string, string> = {}): Promise<Record<string, string>> {
  const ports: Record<string, string> = { ...env }
  for (const field of Object.values(configSchema))
    if (field.env.endsWith('_PORT') && !(field.env in ports)) ports[field.env] = String(await freePort())
  return ports
}

export interface Server {
  readonly name: string
  readonly pid: number
  readonly url: string
  /** Milliseconds from spawn to the first successful readiness probe. */
  readonly readyMs: number
  /** True once the process has exited (by itself, e.g. a shared server it needs went away). */
  readonly exited: boolean
  /** Calls back when the process exits while it was meant to run. */
  onCrash(listener: () => void): void
  stop(): Promise<void>
}

// Children still running are stopped when the benchmark is interrupted, so none is left behind.
const live = new Set<ChildProcess>()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of live) child.kill('SIGTERM')
    process.exit(130)
  })
}

/** Spawns a server, waits until `probe` answers 200, and returns it. Output goes to a log file. */
export async function startServer(options: {
  name: string
  args: string[]
  env: Record<string, string>
  url: string
  probe: string
  cwd?: string
  timeoutMs?: number
  nodeFlags?: string[]
  /** A command other than this Node (e.g. `npm`), run in its own process group, stopped as one. */
  command?: string
}): Promise<Server> {
  mkdirSync(resultsDir, { recursive: true })
  const log = join(resultsDir, `${options.name}.log`)
  const started = performance.now()
  const group = options.command !== undefined
  const child: ChildProcess = spawn(
    options.command ?? process.execPath,
    [...(options.nodeFlags ?? []), ...options.args],
    {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
    },
  )
  const signal = (name: NodeJS.Signals) => {
    if (group && child.pid !== undefined) process.kill(-child.pid, name)
    else child.kill(name)
  }
  let output = ''
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  live.add(child)
  let exited = false
  let stopping = false
  const crashListeners: (() => void)[] = []
  child.once('exit', () => {
    exited = true
    live.delete(child)
    writeFileSync(log, output)
    if (!stopping) for (const listener of crashListeners) listener()
  })
  const deadline = started + (options.timeoutMs ?? 60_000)
  for (;;) {
    if (exited)
      throw new Error(`${options.name} exited before it was ready; see ${log}\n${output.slice(-2000)}`)
    if (performance.now() > deadline) {
      signal('SIGKILL')
      throw new Error(`${options.name} not ready in time; see ${log}`)
    }
    try {
      if ((await fetch(options.url + options.probe)).status === 200) break
    } catch {}
    await sleep(50)
  }
  const readyMs = performance.now() - started
  return {
    name: options.name,
    pid: child.pid as number,
    url: options.url,
    readyMs,
    get exited() {
      return exited
    },
    onCrash(listener) {
      crashListeners.push(listener)
    },
    async stop() {
      stopping = true
      if (exited) return
      const gone = once(child, 'exit')
      signal('SIGTERM')
      const timer = setTimeout(() => signal('SIGKILL'), 20_000)
      await gone
      clearTimeout(timer)
    },
  }
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100 // clock ticks, 100 per second on Linux
  } catch {
    return Number.NaN
  }
}

/** A process and all its descendants (e.g. npm, its shell and Node), from /proc (Linux). */
export function processTree(pid: number): number[] {
  const tree: number[] = []
  const pending = [pid]
  while (pending.length > 0 && tree.length < 1000) {
    const next = pending.pop() as number
    tree.push(next)
    try {
      for (const task of readdirSync(`/proc/${next}/task`)) {
        const children = readFileSync(`/proc/${next}/task/${task}/children`, 'utf8').trim()
        if (children) pending.push(...children.split(' ').map(Number))
      }
    } catch {
      // The process ended while being read.
    }
  }
  return tree
}

/** Resident memory of a process and all its descendants in MB. */
export function processTreeRssMb(pid: number): number {
  return processTree(pid).reduce((sum, each) => sum + (processRssMb(each) || 0), 0)
}

/** CPU seconds of a process and all its live descendants. */
export function processTreeCpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, each) => sum + (processCpuSeconds(each) || 0), 0)
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function processRssMb(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
    return line ? Math.round(Number(line[1]) / 1024) : Number.NaN
  } catch {
    return Number.NaN
  }
}

/**
 * The bare reference pipeline to compare against: by default the one in this repository
 * (`bench/reference-pipeline.ts`, on the project's own dependencies), so every ratio reproduces
 * from a clone. `BAKERY_BENCH_REFERENCE=<dir>` runs a published `reference-pipeline.mjs` from that
 * folder instead, its dependencies installed in a cache (the folder may be read-only).
 */
export function referencePipeline(): { script: string; cwd: string } {
  const external = process.env.BAKERY_BENCH_REFERENCE
  if (!external) return { script: join(repoRoot, 'bench', 'reference-pipeline.ts'), cwd: repoRoot }
  const source = external
  if (!existsSync(join(source, 'reference-pipeline.mjs'))) {
    throw new Error(`BAKERY_BENCH_REFERENCE=${source} holds no reference-pipeline.mjs`)
  }
  const lock = readFileSync(join(source, 'package-lock.json'))
  const digest = createHash('sha256')
    .update(lock)
    .update(readFileSync(join(source, 'reference-pipeline.mjs')))
    .digest('hex')
    .slice(0, 12)
  const target = join(repoRoot, '.cache', `bench-reference-${digest}`)
  if (!existsSync(join(target, 'node_modules', 'fastify'))) {
    progress(`installing the reference pipeline's dependencies in ${target}`)
    cpSync(source, target, { recursive: true, filter: (p) => !p.includes('node_modules') })
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: target, stdio: 'inherit' })
    if (r.status !== 0) throw new Error('npm ci of the reference pipeline failed')
  }
  return { script: join(target, 'reference-pipeline.mjs'), cwd: target }
}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`)
}

/** Prints a load run's progress every 5 s (a bench log is rarely a terminal). */
export function progressPrinter(label: string) {
  let last = -5000
  return (p: LoadProgress) => {
    if (p.elapsedMs - last < 5000 && p.phase !== 'done') return
    last = p.elapsedMs
    progress(`  ${label}: ${formatProgress(p)}`)
  }
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export const fixed = (value: number, digits = 2) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : null

/** A plain aligned table (also valid Markdown). */
export function table(headers: string[], rows: (string | number | null)[][]): string {
  const cells = [
    headers,
    ...rows.map((r) =>
      r.map((c) => (c === null ? 'n/a' : typeof c === 'number' ? c.toLocaleString('en-US') : c)),
    ),
  ]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)))
  const line = (r: (string | number)[]) =>
    `| ${r.map((c, i) => String(c).padEnd(widths[i] as number)).join(' | ')} |`
  return [
    line(cells[0] as string[]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n')
}

/** Writes bench/results/<name>-<time>.json and returns its path. */
export function writeResult(name: string, data: unknown): string {
  mkdirSync(resultsDir, { recursive: true })
  const file = join(resultsDir, `${name}-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.json`)
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`)
  return file
}
