// Runs the real `bakery` CLI in a child process, for tests that start services as a user would.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'

export const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname

export function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    // Tests keep telemetry in memory unless they choose a store file (no .bakery/ in the repo).
    env: { ...process.env, BAKERY_TELEMETRY_STORE: 'memory:', BAKERY_DASHBOARD_OTLP_GRPC_PORT: '0', ...env },
    timeout: 30_000,
  })
}

export interface StartedCli {
  child: ChildProcess
  lines: Record<string, unknown>[]
  /** Resolves with the URL each named service logged when it began listening. */
  urls: Promise<Record<string, string>>
}

/** Starts `bakery <args>` with JSON logs and waits until the given services are listening. */
export function startCli(
  args: string[],
  services: string[],
  env: Record<string, string> = {},
  entry: string = cliPath,
): StartedCli {
  const child = spawn(process.execPath, [entry, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      LOG_FORMAT: 'json',
      BAKERY_TELEMETRY_STORE: 'memory:',
      BAKERY_DASHBOARD_OTLP_GRPC_PORT: '0',
      ...env,
    },
  })
  const lines: Record<string, unknown>[] = []
  const found: Record<string, string> = {}
  const urls = new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`services not listening in 60 s: ${JSON.stringify(lines)}`)),
      60_000,
    )
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`bakery exited with ${code} before listening: ${JSON.stringify(lines.slice(-5))}`))
    })
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line)
      } catch {
        return
      }
      lines.push(entry)
      if (entry.msg === 'listening' && typeof entry.service === 'string')
        found[entry.service] = String(entry.url)
      if (services.every((s) => found[s])) {
        clearTimeout(timer)
        resolve({ ...found })
      }
    })
  })
  return { child, lines, urls }
}
