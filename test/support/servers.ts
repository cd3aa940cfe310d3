// Real servers for integration tests. Locally a test may skip when its server is absent; with
// CI=true a missing server fails the test, because CI provisions every server.
import net from 'node:net'
import type { TestContext } from 'node:test'

export const realServers = {
  postgres: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  amqp: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  kafka: process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092',
  influx: process.env.TEST_INFLUX_URL ?? 'http://127.0.0.1:8086',
} as const

export type RealServer = keyof typeof realServers

function hostPort(server: RealServer): { host: string; port: number } {
  const raw = realServers[server]
  if (server === 'kafka') {
    const [host = '127.0.0.1', port = '9092'] = (raw.split(',')[0] ?? '').split(':')
    return { host, port: Number(port) }
  }
  const url = new URL(raw)
  const defaults: Record<RealServer, number> = {
    postgres: 5432,
    amqp: 5672,
    redis: 6379,
    kafka: 9092,
    influx: 8086,
  }
  return { host: url.hostname, port: url.port ? Number(url.port) : defaults[server] }
}

export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

export const inCi = process.env.CI === 'true' || process.env.CI === '1'

/**
 * Returns the server's URL when it answers. Otherwise skips the test locally, and fails it in CI.
 */
export async function requireServer(t: TestContext, server: RealServer): Promise<string | undefined> {
  const { host, port } = hostPort(server)
  if (await reachable(host, port)) return realServers[server]
  const message = `${server} is not reachable at ${host}:${port}`
  if (inCi) throw new Error(`${message} (CI=true: a missing server is a failure)`)
  t.skip(message)
  return undefined
}
