// Follows accepted requests to completion: after the load it polls the target's GET (orders:
// /orders/:key, coffee: the Location) for every tracked request until each reaches a final status
// or the drain timeout passes. End-to-end latency comes from the body's own timestamps (orders:
// finishedTime - orderTime, coffee: ready_at - created_at, both set by the server), so it does not
// depend on how late the poll looked; "observed" (first seen done - sent) is an upper bound.
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LoadClient } from './client.ts'
import { createLatencyHistogram, type LatencySummary } from './histogram.ts'
import type { Expected, Follow } from './target.ts'

export interface TrackedRequest {
  /** What the accept reply gave to find the request again (Follow.path). */
  readonly key: string
  /** What was asked for, checked against every GET body. */
  readonly expect: Expected
  /** Epoch ms at which the request was sent. */
  readonly sentAt: number
}

export interface CompletionSummary {
  /** Accepted requests followed (up to the tracking limit). */
  readonly tracked: number
  /** Accepted requests beyond the tracking limit, not followed. */
  readonly untracked: number
  /** Seen done: orders `finished`, coffee `ready`. */
  readonly finished: number
  /** coffee only: seen in a final status other than done (`payment_declined`); not lost. */
  readonly declined?: number
  /** Accepted but not seen in a final status before the drain timeout. */
  readonly lost: number
  /** Of the lost: the server answered 404 for the key (or Location) it had returned. */
  readonly lostNotFound: number
  /** Not checked because the run was aborted (not counted as lost). */
  readonly unverified: number
  /** GETs whose body did not match what was sent, had an unknown status or no start timestamp. */
  readonly wrongBody: number
  readonly drainS: number
  readonly polls: number
  readonly pollErrors: Readonly<Record<string, number>>
  /** End - start timestamp of the body (finishedTime - orderTime, ready_at - created_at). */
  readonly e2eServerMs: LatencySummary | null
  /** First seen done - sent: an upper bound (polling waits for the load to end). */
  readonly e2eObservedMs: LatencySummary | null
  /** Last end timestamp minus the end of the load: how long the backlog took to clear. */
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
  /** Called for each request the moment it is seen in a final status (live progress in a pass). */
  readonly onFinished?: () => void
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1
}

const timestamp = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN)

interface Pending extends TrackedRequest {
  lastStatus?: number | string
  wrong?: boolean
}

export function createCompletionTracker(follow: Follow, limit: number) {
  const requests: Pending[] = []
  let untracked = 0
  return {
    get tracked() {
      return requests.length
    },
    add(request: TrackedRequest) {
      if (requests.length < limit) requests.push({ ...request })
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
      let declined = 0
      let lastFinish = 0
      let pending: Pending[] = requests
      const poll = async (request: Pending, still: Pending[]) => {
        const reply = await options.client.send({ method: 'GET', path: follow.path(request.key) })
        polls++
        request.lastStatus = reply.status ?? reply.error
        if (reply.status !== 200) {
          bump(pollErrors, String(request.lastStatus))
          still.push(request)
          return
        }
        let body: Record<string, unknown> = {}
        try {
          body = JSON.parse(reply.body) as Record<string, unknown>
        } catch {}
        const status = String(body.status)
        const start = timestamp(body[follow.startField])
        if (
          !request.wrong &&
          (!follow.statuses.includes(status) || Number.isNaN(start) || !follow.matches(body, request.expect))
        ) {
          request.wrong = true
          wrongBody++
        }
        if (follow.declined.includes(status)) {
          declined++
          options.onFinished?.()
          return
        }
        if (status !== follow.done) {
          still.push(request)
          return
        }
        options.onFinished?.()
        observed.record(Date.now() - request.sentAt)
        const end = timestamp(body[follow.endField])
        if (!Number.isNaN(end) && !Number.isNaN(start)) {
          server.record(Math.max(0, end - start))
          lastFinish = Math.max(lastFinish, end)
        }
      }
      while (pending.length > 0 && performance.now() < deadline && !options.aborted()) {
        const still: Pending[] = []
        let next = 0
        const worker = async () => {
          while (next < pending.length) {
            const request = pending[next++] as Pending
            if (performance.now() >= deadline || options.aborted()) still.push(request)
            else await poll(request, still)
          }
        }
        await Promise.all(Array.from({ length: Math.min(options.concurrency, pending.length) }, worker))
        pending = still
        options.onPass?.({ finished: requests.length - pending.length, pending: pending.length, polls })
        if (pending.length > 0 && !options.aborted()) await sleep(Math.min(200, options.timeoutMs / 10))
      }
      const aborted = options.aborted()
      return {
        tracked: requests.length,
        untracked,
        finished: requests.length - pending.length - declined,
        ...(follow.declined.length > 0 ? { declined } : {}),
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
