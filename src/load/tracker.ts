// Follows accepted orders to completion: after the load it polls GET /orders/:key for every
// tracked order until each is `finished` or the drain timeout passes. End-to-end latency comes from
// the order's own timestamps (finishedTime - orderTime, both set by the server), so it does not
// depend on how late the poll looked; "observed" (first seen finished - sent) is an upper bound.
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LoadClient } from './client.ts'
import { createLatencyHistogram, type LatencySummary } from './histogram.ts'

const STATUSES = new Set(['pending', 'baking', 'finished'])

export interface TrackedOrder {
  readonly key: string
  readonly customer: string
  readonly pastry: string
  /** Epoch ms at which the POST was sent. */
  readonly sentAt: number
}

export interface CompletionSummary {
  /** Accepted orders followed (up to the tracking limit). */
  readonly tracked: number
  /** Accepted orders beyond the tracking limit, not followed. */
  readonly untracked: number
  readonly finished: number
  /** Accepted but not seen finished before the drain timeout. */
  readonly lost: number
  /** Of the lost: the server answered 404 for the key it had returned. */
  readonly lostNotFound: number
  /** Not checked because the run was aborted (not counted as lost). */
  readonly unverified: number
  /** GETs whose customer, pastry, status or orderTime did not match the order. */
  readonly wrongBody: number
  readonly drainS: number
  readonly polls: number
  readonly pollErrors: Readonly<Record<string, number>>
  /** finishedTime - orderTime, when the GET body carries finishedTime. */
  readonly e2eServerMs: LatencySummary | null
  /** First seen finished - POST sent: an upper bound (polling waits for the load to end). */
  readonly e2eObservedMs: LatencySummary | null
  /** Last finishedTime minus the end of the load: how long the backlog took to clear. */
  readonly backlogS: number | null
}

export interface DrainOptions {
  readonly client: LoadClient
  readonly timeoutMs: number
  readonly concurrency: number
  /** Epoch ms at which the load stopped. */
  readonly loadEndedAt: number
  readonly aborted: () => boolean
  readonly onPass?: (done: { finished: number; pending: number; polls: number }) => void
  /** Called for each order the moment it is seen finished (live progress during a pass). */
  readonly onFinished?: () => void
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1
}

interface Pending extends TrackedOrder {
  lastStatus?: number | string
  wrong?: boolean
}

export function createCompletionTracker(limit: number) {
  const orders: Pending[] = []
  let untracked = 0
  return {
    get tracked() {
      return orders.length
    },
    add(order: TrackedOrder) {
      if (orders.length < limit) orders.push({ ...order })
      else untracked++
    },
    async drain(options: DrainOptions): Promise<CompletionSummary> {
      const started = performance.now()
      const deadline = started + options.timeoutMs
      const server = createLatencyHistogram()
      const observed = createLatencyHistogram()
      const pollErrors: Record<string, number> = {}
      let polls = 0
      let wrongBody = 0
      let lastFinish = 0
      let pending: Pending[] = orders
      const poll = async (order: Pending, still: Pending[]) => {
        const reply = await options.client.send({ method: 'GET', path: `/orders/${order.key}` })
        polls++
        order.lastStatus = reply.status ?? reply.error
        if (reply.status !== 200) {
          bump(pollErrors, String(order.lastStatus))
          still.push(order)
          return
        }
        let body: Record<string, unknown> = {}
        try {
          body = JSON.parse(reply.body) as Record<string, unknown>
        } catch {}
        const orderTime = typeof body.orderTime === 'string' ? Date.parse(body.orderTime) : Number.NaN
        if (
          !order.wrong &&
          (body.customer !== order.customer ||
            body.pastry !== order.pastry ||
            !STATUSES.has(String(body.status)) ||
            Number.isNaN(orderTime))
        ) {
          order.wrong = true
          wrongBody++
        }
        if (body.status !== 'finished') {
          still.push(order)
          return
        }
        options.onFinished?.()
        observed.record(Date.now() - order.sentAt)
        const finished = typeof body.finishedTime === 'string' ? Date.parse(body.finishedTime) : Number.NaN
        if (!Number.isNaN(finished) && !Number.isNaN(orderTime)) {
          server.record(Math.max(0, finished - orderTime))
          lastFinish = Math.max(lastFinish, finished)
        }
      }
      while (pending.length > 0 && performance.now() < deadline && !options.aborted()) {
        const still: Pending[] = []
        let next = 0
        const worker = async () => {
          while (next < pending.length) {
            const order = pending[next++] as Pending
            if (performance.now() >= deadline || options.aborted()) still.push(order)
            else await poll(order, still)
          }
        }
        await Promise.all(Array.from({ length: Math.min(options.concurrency, pending.length) }, worker))
        pending = still
        options.onPass?.({ finished: orders.length - pending.length, pending: pending.length, polls })
        if (pending.length > 0 && !options.aborted()) await sleep(Math.min(200, options.timeoutMs / 10))
      }
      const aborted = options.aborted()
      return {
        tracked: orders.length,
        untracked,
        finished: orders.length - pending.length,
        lost: aborted ? 0 : pending.length,
        lostNotFound: aborted ? 0 : pending.filter((o) => o.lastStatus === 404).length,
        unverified: aborted ? pending.length : 0,
        wrongBody,
        drainS: Number(((performance.now() - started) / 1000).toFixed(2)),
        polls,
        pollErrors,
        e2eServerMs: server.summary(),
        e2eObservedMs: observed.summary(),
        backlogS:
          lastFinish > 0 ? Number(Math.max(0, (lastFinish - options.loadEndedAt) / 1000).toFixed(3)) : null,
      }
    },
  }
}
