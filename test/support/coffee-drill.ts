// The coffee shop as separate processes (payments, reception, baristas) on the real servers, a
// bounded load driver, and the drill's verdict: every accepted order ready exactly once.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { TestContext } from 'node:test'
import pg from 'pg'
import { startCli } from './cli.ts'
import { defer } from './defer.ts'
import { isolatedDatabase, isolatedVhost } from './isolated.ts'
import { realServers, requireServer } from './servers.ts'
import { freePort } from './service-deps.ts'

export const DRILL_TOKEN = 'coffee-drill-token'

export interface Proc {
  readonly name: string
  child: ChildProcess
  start(): Promise<void>
  /** Sends the signal and waits for the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>
}

export interface Stack {
  databaseUrl: string
  receptionUrl: string
  paymentsUrl: string
  processes: Proc[]
  byName(name: string): Proc
  sql<R>(text: string, params?: unknown[]): Promise<R[]>
}

export async function startStack(
  t: TestContext,
  options: { baristas?: number; scale?: string; env?: Record<string, string> } = {},
): Promise<Stack | undefined> {
  const pgUrl = await requireServer(t, 'postgres')
  const amqpUrl = pgUrl && (await requireServer(t, 'amqp'))
  const redisUrl = amqpUrl && (await requireServer(t, 'redis'))
  if (!pgUrl || !amqpUrl || !redisUrl) return undefined
  const databaseUrl = await isolatedDatabase(t, pgUrl)
  const vhostUrl = await isolatedVhost(t, amqpUrl)
  const [paymentsPort, receptionPort] = [await freePort(), await freePort()]
  const env = {
    DATABASE_URL: databaseUrl,
    AMQP_URL: vhostUrl,
    REDIS_URL: realServers.redis,
    BAKE_TIME_SCALE: options.scale ?? '0.01',
    BAKERY_ADMIN_TOKEN: DRILL_TOKEN,
    BAKERY_PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}`,
    BAKERY_PAYMENTS_PORT: String(paymentsPort),
    BAKERY_COFFEE_PORT: String(receptionPort),
    BAKERY_WORKER_PORT: '0',
    BAKERY_COFFEE_RATE_LIMIT: '1000000',
    BAKERY_OUTBOX_POLL_MS: '1000',
    BAKERY_SHUTDOWN_TIMEOUT_MS: '20000',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...options.env,
  }
  const baristas = Array.from({ length: options.baristas ?? 1 }, (_, i) =>
    makeProc(`barista-${i}`, 'barista', env),
  )
  const processes = [
    makeProc('payments', 'payments', env),
    makeProc('coffee-reception', 'coffee-reception', env),
    ...baristas,
  ]
  defer(t, async () => {
    for (const proc of processes) if (proc.child.exitCode === null) proc.child.kill('SIGKILL')
  })
  // Payments and reception first (reception migrates the schema the baristas' queue binds to).
  for (const proc of processes) await proc.start()
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
  pool.on('error', () => undefined)
  defer(t, () => pool.end())
  return {
    databaseUrl,
    receptionUrl: `http://127.0.0.1:${receptionPort}`,
    paymentsUrl: `http://127.0.0.1:${paymentsPort}`,
    processes,
    byName: (name) => processes.find((p) => p.name === name) as Proc,
    async sql<R>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as R[]
    },
  }
}

function makeProc(name: string, service: string, env: Record<string, string>): Proc {
  const proc: Proc = {
    name,
    child: undefined as unknown as ChildProcess,
    async start() {
      const cli = startCli([service], [service], env)
      proc.child = cli.child
      await cli.urls
    },
    async stop(signal) {
      if (proc.child.exitCode !== null) return proc.child.exitCode
      const exited = once(proc.child, 'exit')
      proc.child.kill(signal)
      const [code] = await exited
      return code as number | null
    },
  }
  return proc
}

export interface LoadResult {
  accepted: { id: string; at: number }[]
  refused: Map<string, number>
}

const MENU = ['espresso', 'cappuccino', 'latte'] as const
const SIZES = ['small', 'medium', 'large'] as const

/** `rate` orders per second for `durationMs` (bounded), each 1–3 items; refusals are counted by status. */
export async function runLoad(url: () => string, rate: number, durationMs: number): Promise<LoadResult> {
  const result: LoadResult = { accepted: [], refused: new Map() }
  const total = Math.ceil((rate * durationMs) / 1000)
  const started = Date.now()
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate
    const wait = due - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const items = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      type: MENU[(i + k) % 3],
      size: SIZES[(i * 7 + k) % 3],
    }))
    inFlight.push(
      fetch(`${url()}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `drill ${i}`, items }),
        signal: AbortSignal.timeout(10_000),
      }).then(
        async (response) => {
          await response.arrayBuffer()
          const location = response.headers.get('location')
          if (response.status === 201 && location) {
            result.accepted.push({ id: location.slice('/orders/'.length), at: Date.now() })
          } else
            result.refused.set(
              String(response.status),
              (result.refused.get(String(response.status)) ?? 0) + 1,
            )
        },
        (error: unknown) => {
          const key =
            error instanceof Error ? ((error.cause as { code?: string })?.code ?? error.name) : 'error'
          result.refused.set(key, (result.refused.get(key) ?? 0) + 1)
        },
      ),
    )
  }
  await Promise.all(inFlight)
  return result
}

export interface Verdict {
  accepted: number
  finished: number
  lost: number
  duplicated: number
  maxRecoverySeconds: number
}

/**
 * Waits (bounded) until every accepted order is ready, then counts: lost = accepted and not ready,
 * duplicated = items brewed to completion more than once or orders announced ready more than once.
 * Recovery = from the end of the fault to the last ready of the orders accepted before that end.
 */
export async function verdict(
  t: TestContext,
  drill: string,
  stack: Stack,
  load: LoadResult,
  faultEndedAt: number,
  timeoutMs = 90_000,
): Promise<Verdict> {
  const ids = load.accepted.map((a) => a.id)
  const deadline = Date.now() + timeoutMs
  let finished = 0
  for (;;) {
    const [row] = await stack
      .sql<{ n: string }>(
        "SELECT count(*)::text AS n FROM coffee.orders WHERE id = ANY($1::uuid[]) AND status = 'ready'",
        [ids],
      )
      .catch(() => [{ n: '-1' }])
    finished = Number(row?.n)
    if (finished === ids.length || Date.now() > deadline) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const [stored] = await stack.sql<{ n: string }>('SELECT count(*)::text AS n FROM coffee.orders')
  const [doubled] = await stack.sql<{ n: string }>(
    'SELECT count(*)::text AS n FROM barista.brews WHERE order_id = ANY($1::uuid[]) AND completions > 1',
    [ids],
  )
  const [announced] = await stack.sql<{ n: string }>(
    'SELECT count(*)::text AS n FROM barista.ready WHERE order_id = ANY($1::uuid[])',
    [ids],
  )
  const [recovery] = await stack.sql<{ s: string | null }>(
    `SELECT extract(epoch FROM max(ready_at))::text AS s FROM coffee.orders
      WHERE id = ANY($1::uuid[]) AND created_at <= to_timestamp($2 / 1000.0)`,
    [ids, faultEndedAt],
  )
  const lastReady =
    recovery?.s === null || recovery?.s === undefined ? faultEndedAt / 1000 : Number(recovery.s)
  const result: Verdict = {
    accepted: ids.length,
    finished,
    lost: ids.length - finished,
    duplicated: Number(doubled?.n) + Math.max(0, Number(announced?.n) - ids.length),
    maxRecoverySeconds: Math.max(0, Math.round((lastReady - faultEndedAt / 1000) * 10) / 10),
  }
  const refused = [...load.refused].map(([k, v]) => `${k}:${v}`).join(' ') || 'none'
  const line = `drill ${drill}: accepted=${result.accepted} finished=${result.finished} lost=${result.lost} duplicated=${result.duplicated} max_recovery_s=${result.maxRecoverySeconds} (refused: ${refused}; stored: ${stored?.n})`
  t.diagnostic(line)
  process.stdout.write(`${line}\n`)
  assert.ok(result.accepted > 0, 'the load got orders accepted')
  assert.equal(result.lost, 0, `${result.lost} accepted orders never became ready`)
  assert.equal(result.duplicated, 0, `${result.duplicated} items or orders completed twice`)
  return result
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
