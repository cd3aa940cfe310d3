// The traffic of an incident: each planned stream sends requests at its rate from its start to
// its end, with a seeded random source, so the same seed sends the same mix. Requests in flight
// are bounded per stream (a slow service makes the driver skip, never pile up).
import { Agent, request } from 'undici'
import { createTarget } from '../load/targets.ts'
import type { LoadKind } from './model.ts'
import type { PlannedLoad } from './plan.ts'
import { seededRandom } from './plan.ts'

export interface LoadEndpoints {
  /** Base URL of the service behind a load kind, undefined when it is not running. */
  urlOf(kind: LoadKind): string | undefined
  /** Publishes one malformed message where the baker consumes (poison-orders). */
  poison(body: Buffer): Promise<void>
}

export interface LoadDriver {
  readonly sent: () => Record<string, { sent: number; failed: number; skipped: number }>
  stop(): Promise<void>
}

const MAX_IN_FLIGHT = 64
const TIMEOUT_MS = 10_000
/** Artists the seeded catalogue never has: without the (artist, id) index each lookup scans the table. */
const RARE_ARTISTS = ['Sun Ra', 'Pharoah Sanders', 'Mary Lou Williams', 'Yusef Lateef', 'Abbey Lincoln']

type Send = (random: () => number) => Promise<boolean>

function httpSender(
  base: string,
  agent: Agent,
  next: (random: () => number) => { method: 'GET' | 'POST'; path: string; body?: string },
): Send {
  return async (random) => {
    const req = next(random)
    const response = await request(new URL(req.path, base), {
      method: req.method,
      dispatcher: agent,
      headers: req.body ? { 'content-type': 'application/json' } : {},
      ...(req.body ? { body: req.body } : {}),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    })
    await response.body.dump()
    return response.statusCode < 500
  }
}

function senderFor(kind: LoadKind, endpoints: LoadEndpoints, agent: Agent): Send | undefined {
  if (kind === 'poison-orders') {
    return async (random) => {
      // Not JSON an order parser accepts: the baker must dead-letter it without retrying.
      const garbage = `{"orderKey": ${Math.floor(random() * 1e9)}, "pastry": [unterminated`
      await endpoints.poison(Buffer.from(garbage))
      return true
    }
  }
  const base = endpoints.urlOf(kind)
  if (!base) return undefined
  if (kind === 'albums-by-artist') {
    return httpSender(base, agent, (random) => ({
      method: 'GET',
      path: `/albums?artist=${encodeURIComponent(RARE_ARTISTS[Math.floor(random() * RARE_ARTISTS.length)] ?? 'Sun Ra')}&limit=20`,
    }))
  }
  const user = createTarget(kind, kind === 'albums' ? { batch: 20 } : { batch: 5 }).user()
  return httpSender(base, agent, (random) => user.next(random))
}

export function startLoadDriver(
  load: readonly PlannedLoad[],
  endpoints: LoadEndpoints,
  seed: number,
): LoadDriver {
  const agent = new Agent({ connections: 32, keepAliveTimeout: 5_000 })
  const timers: NodeJS.Timeout[] = []
  const pending = new Set<Promise<unknown>>()
  const counts: Record<string, { sent: number; failed: number; skipped: number }> = {}
  let stopped = false
  load.forEach((stream, index) => {
    const send = senderFor(stream.kind, endpoints, agent)
    const tally = counts[stream.kind] ?? { sent: 0, failed: 0, skipped: 0 }
    counts[stream.kind] = tally
    if (!send || stream.rate <= 0) return
    const random = seededRandom(seed + index + 1)
    let inFlight = 0
    const intervalMs = 1000 / stream.rate
    let ticks = 0
    const total = Math.ceil((stream.endS - stream.startS) * stream.rate)
    const tick = () => {
      if (stopped || ticks++ >= total) return
      if (inFlight >= MAX_IN_FLIGHT) {
        tally.skipped++
        return
      }
      inFlight++
      tally.sent++
      const p = send(random)
        .then((ok) => {
          if (!ok) tally.failed++
        })
        .catch(() => {
          tally.failed++
        })
        .finally(() => {
          inFlight--
          pending.delete(p)
        })
      pending.add(p)
    }
    const begin = setTimeout(() => {
      tick()
      timers.push(setInterval(tick, intervalMs))
    }, stream.startS * 1000)
    timers.push(begin)
  })
  return {
    sent: () => structuredClone(counts),
    async stop() {
      stopped = true
      for (const t of timers) clearTimeout(t)
      await Promise.allSettled([...pending])
      await agent.close()
    },
  }
}
