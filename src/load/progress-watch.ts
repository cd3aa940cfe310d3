// Says why orders do not finish instead of reporting them "lost" at the end: before the run a
// probe order must leave `pending`, and during the run, orders left `pending` for a few seconds
// while none bakes or finishes mean nobody consumes the orders queue.

import { setTimeout as sleep } from 'node:timers/promises'
import { BakeryError, ErrorCode } from '../platform/errors.ts'

export interface ProgressWatchOptions {
  /** The reception's base URL. */
  readonly url: string
  /** The queue the reception publishes to (BAKERY_ORDERS_QUEUE). */
  readonly queue: string
  /** How long orders may sit in `pending` with none baking or finishing. */
  readonly stallMs: number
  readonly pollMs?: number
  readonly signal?: AbortSignal
}

interface OrderView {
  orderKey: string
  status: string
  orderTime: string
  finishedTime?: string
}

async function list(url: string, status: string, signal?: AbortSignal): Promise<OrderView[]> {
  const response = await fetch(`${url}/orders?status=${status}&limit=1`, {
    signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(5_000)]) : AbortSignal.timeout(5_000),
  })
  if (!response.ok) {
    throw new BakeryError(
      ErrorCode.DEPENDENCY_FAILED,
      `GET /orders?status=${status} answered ${response.status}`,
    )
  }
  return ((await response.json()) as { orders: OrderView[] }).orders
}

/**
 * What the bakers did: the newest order in `baking`, and whether one finished at or after `since`
 * (epoch ms). An order left `baking` by a baker that died stays there, so only a change of the
 * newest baking order counts as movement, never its mere presence.
 */
async function activity(
  url: string,
  since: number,
  signal?: AbortSignal,
): Promise<{ baking: string | undefined; finished: boolean }> {
  const [baking] = await list(url, 'baking', signal)
  const [last] = await list(url, 'finished', signal)
  return {
    baking: baking?.orderKey,
    finished: last?.finishedTime !== undefined && Date.parse(last.finishedTime) >= since,
  }
}

export function stalledMessage(options: Pick<ProgressWatchOptions, 'queue' | 'stallMs'>): string {
  const seconds = Math.round(options.stallMs / 1000)
  return [
    `orders stay pending for more than ${seconds} s and none is baking or finishing:`,
    `no baker seems to be consuming \`${options.queue}\`.`,
    'Start one: `npx bakery baker` (with the same DATABASE_URL and AMQP_URL as the reception),',
    'or the whole stack: `npm start`. With the order journey on (BAKERY_ORDER_JOURNEY, the default),',
    '`npx bakery enrichment` must run too: it hands the orders on to the baker.',
  ].join('\n')
}

/**
 * Places one probe order and waits for it to leave `pending` (or for any other order to move).
 * Resolves undefined when orders move, or with the explanation when they do not.
 */
export async function probeOrderProgress(options: ProgressWatchOptions): Promise<string | undefined> {
  // A target without the order list (another implementation of POST /orders) cannot be watched.
  if (
    !(await list(options.url, 'pending').then(
      () => true,
      () => false,
    ))
  )
    return undefined
  const since = Date.now()
  const bakingBefore = (await activity(options.url, since)).baking
  const response = await fetch(`${options.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'bakery-load-probe', pastry: 'croissant' }),
    signal: AbortSignal.timeout(10_000),
  })
  if (response.status !== 202) return undefined // the run itself reports refusals
  const { orderKey } = (await response.json()) as { orderKey: string }
  const pollMs = options.pollMs ?? 250
  for (let waited = 0; waited <= options.stallMs; waited += pollMs) {
    const probe = await fetch(`${options.url}/orders/${orderKey}`, { signal: AbortSignal.timeout(5_000) })
    const body = (await probe.json()) as Partial<OrderView>
    if (body.status !== 'pending') return undefined
    const now = await activity(options.url, since)
    if (now.finished || (now.baking !== undefined && now.baking !== bakingBefore)) return undefined
    await sleep(pollMs)
  }
  return stalledMessage(options)
}

/**
 * Watches a run: calls `onStall` once when pending orders exist and none has baked or finished for
 * `stallMs`. Stops when `signal` aborts.
 */
export async function watchOrderProgress(options: ProgressWatchOptions, onStall: (message: string) => void) {
  const pollMs = options.pollMs ?? 1000
  let stuckSince: number | undefined
  let lastBaking: string | undefined
  while (!options.signal?.aborted) {
    try {
      const pending = (await list(options.url, 'pending', options.signal)).length > 0
      const now = Date.now()
      // Movement within the last stall window: an order finished, or a new one started baking.
      const seen = await activity(options.url, now - options.stallMs, options.signal)
      const moved = seen.finished || (seen.baking !== undefined && seen.baking !== lastBaking)
      lastBaking = seen.baking
      if (!pending || moved) stuckSince = undefined
      else stuckSince ??= now
      if (stuckSince !== undefined && now - stuckSince >= options.stallMs) {
        onStall(stalledMessage(options))
        return
      }
    } catch {
      // The run reports unreachable services itself; the watch only explains stalls.
    }
    await sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined)
  }
}
