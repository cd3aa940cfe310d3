// Helpers for tests that run real servers (Prometheus, Zipkin) as child processes on loopback.
import { type ChildProcess, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import { repoRoot } from './deploy.ts'

/** A free loopback port (bound and released; the caller binds it right after). */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/** Runs scripts/provision.d/<name>.sh (idempotent, cached) so a fresh clone's tests do not skip. */
export function provision(name: string): void {
  const result = spawnSync('bash', [`${repoRoot}scripts/provision.d/${name}.sh`], {
    encoding: 'utf8',
    timeout: 600_000,
  })
  if (result.status !== 0) throw new Error(`provisioning ${name} failed:\n${result.stdout}${result.stderr}`)
}

/** Polls `check` every 250 ms until it returns a value, or throws after `timeoutMs` with `what`.
 * Checks should bound their own I/O (fetch with AbortSignal.timeout), as the loop awaits each. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}
