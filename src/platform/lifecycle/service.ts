// A service is a unit with a start/stop lifecycle; the runner starts one or many in a process.

export interface Service {
  readonly name: string
  start(): Promise<void>
  /** Stop taking new work, finish in-flight work, release connections. */
  stop(): Promise<void>
  /** Dependencies that must be reachable for the service to be ready (workers expose these). */
  readonly readiness?: readonly ReadinessCheck[]
}

export interface ReadinessCheck {
  readonly name: string
  /** Resolves when the dependency is usable; rejects (or times out) when not. */
  check(): Promise<void>
}

export interface ReadinessReport {
  ready: boolean
  checks: Record<string, { ok: boolean; error?: string }>
}

export async function runReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2000,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    checks.map(async (c) => {
      try {
        await withTimeout(c.check(), timeoutMs, `${c.name} did not answer in ${timeoutMs} ms`)
        return [c.name, { ok: true }] as const
      } catch (error) {
        return [c.name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const
      }
    }),
  )
  return { ready: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
    timer.unref()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
