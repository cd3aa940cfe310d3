// Runs the Bakery image with podman (no Docker engine here) for the container tests. The image is
// built by scripts/image/build.sh (a CI step before the tests). Containers share the host network
// (this machine's podman has no working bridge), so every service gets a free loopback port.
import { spawnSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { packageJson } from './deploy.ts'

export const imageName = (arch?: string) =>
  process.env.BAKERY_IMAGE ?? `localhost/bakery:${packageJson.version}${arch ? `-${arch}` : ''}`

export function podman(args: string[], timeout = 120_000) {
  return spawnSync('podman', args, { encoding: 'utf8', timeout })
}

/** Why the container tests cannot run here, or undefined when they can. */
export function unavailable(image: string): string | undefined {
  if (podman(['--version']).status !== 0) return 'podman is not installed (scripts/provision.d/containers.sh)'
  if (podman(['image', 'exists', image]).status !== 0)
    return `image ${image} is missing (build it with scripts/image/build.sh)`
  return undefined
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

const PORT_VARS = {
  reception: 'BAKERY_RECEPTION_PORT',
  coffee: 'BAKERY_COFFEE_PORT',
  payments: 'BAKERY_PAYMENTS_PORT',
  albumStore: 'BAKERY_ALBUM_STORE_PORT',
  albumProxy: 'BAKERY_ALBUM_PROXY_PORT',
  eventApi: 'BAKERY_EVENT_API_PORT',
  aggregator: 'BAKERY_AGGREGATOR_PORT',
  consumerHigh: 'BAKERY_CONSUMER_HIGH_PORT',
  consumerLow: 'BAKERY_CONSUMER_LOW_PORT',
  dashboard: 'BAKERY_DASHBOARD_PORT',
  worker: 'BAKERY_WORKER_PORT',
} as const
export type Ports = Record<keyof typeof PORT_VARS, number>

export interface Container {
  name: string
  ports: Ports
  token: string
  /** Milliseconds from `podman run` to the first 200 of every health URL. */
  startMs: number
  remove(): void
}

export interface RunOptions {
  image: string
  /** `start` (every service) or one service name. */
  command: string[]
  /** Health URLs (paths on the given port keys) that must answer 200 before the run counts as started. */
  ready: [keyof Ports, string][]
  env?: Record<string, string>
  platform?: string
  readyTimeoutMs?: number
}

/** Starts the image non-root with a read-only root filesystem and waits (bounded) until it is up. */
export async function runContainer(options: RunOptions): Promise<Container> {
  const ports = {} as Ports
  for (const key of Object.keys(PORT_VARS) as (keyof Ports)[]) ports[key] = await freePort()
  const name = `bakery-test-${randomUUID().slice(0, 8)}`
  const token = randomBytes(24).toString('hex')
  const env: Record<string, string> = {
    // Host network: bind loopback only (the image's own HOST=0.0.0.0 is checked separately).
    HOST: '127.0.0.1',
    BAKERY_ADMIN_TOKEN: token,
    // The image's HEALTHCHECK asks PORT; with every service in one process (where PORT is
    // otherwise ignored) that is the coffee reception, 8080 by default in both.
    PORT: String(ports.coffee),
    BAKERY_PAYMENTS_URL: `http://127.0.0.1:${ports.payments}`,
    BAKERY_STREAM_API_URL: `http://127.0.0.1:${ports.eventApi}/`,
    ...Object.fromEntries(
      Object.entries(PORT_VARS).map(([key, v]) => [v, String(ports[key as keyof Ports])]),
    ),
    ...options.env,
  }
  const args = [
    '--runtime',
    'runc',
    'run',
    '--detach',
    '--name',
    name,
    '--read-only',
    // The working directory's .bakery/ (telemetry store, token file) is the one writable place;
    // podman makes a tmpfs root's 755 whatever mode= says, so U hands it to the container's user.
    '--tmpfs',
    '/app/.bakery:rw,U',
    '--ulimit',
    'nofile=4096:4096',
    '--ulimit',
    'nproc=4096:4096',
    '--network',
    'host',
    ...(options.platform ? ['--platform', options.platform] : []),
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    options.image,
    ...options.command,
  ]
  const started = performance.now()
  const run = podman(args)
  if (run.status !== 0) throw new Error(`podman run failed: ${run.stderr}`)
  const remove = () => void podman(['rm', '--force', '--time', '5', name])
  const deadline = started + (options.readyTimeoutMs ?? 180_000)
  const pending = new Set(options.ready.map(([key, path]) => `http://127.0.0.1:${ports[key]}${path}`))
  while (pending.size > 0) {
    if (performance.now() > deadline) {
      const logs = podman(['logs', '--tail', '30', name])
      remove()
      throw new Error(`not up in time: ${[...pending].join(' ')}\n${logs.stdout}${logs.stderr}`)
    }
    for (const url of pending) {
      const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) pending.delete(url)
    }
    if (pending.size > 0) await sleep(250)
  }
  return { name, ports, token, startMs: Math.round(performance.now() - started), remove }
}
