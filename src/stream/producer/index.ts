// The event producer (seed: 1 event/s, POSTed every 2 s): a worker creating `{time, amount}`
// events with amount random in [0, 10) as a JSON string, as the seed did. A failed POST keeps
// the batch for the next round, bounded (the seed's buffer grew without limit).

import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { faultyFetch } from '../../platform/faults/index.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import { unsampledTraceparent } from '../../platform/telemetry/index.ts'
import type { StreamDeps } from '../config.ts'
import { isDisabled } from '../disabled.ts'
import { createIngestMetrics } from '../metrics.ts'

const MAX_BUFFERED = 100_000
// The producer posts every 2 s forever; tracing its first post and then one per 5 minutes keeps the
// stream's trace (post → topic → consumers) at hand without burying every other trace.
const TRACED_POST_EVERY_MS = 300_000

export interface SeedEvent {
  time: number
  amount: string
}

export function createProducer(deps: StreamDeps): Service {
  const { config, log } = deps
  const send = faultyFetch(deps.infra.seam('http-client'))
  const metrics = createIngestMetrics(deps.telemetry.meter, 'producer')
  let buffer: SeedEvent[] = []
  let tick: NodeJS.Timeout | undefined
  let post: NodeJS.Timeout | undefined
  let inFlight: Promise<void> = Promise.resolve()
  let due = 0
  let lastTraced = Number.NEGATIVE_INFINITY
  const TICK_MS = Math.max(1, Math.min(1000, Math.floor(1000 / config.streamRate)))

  function generate(): void {
    // Whole events owed since the last tick, so rates above the timer resolution still hold.
    due += config.streamRate * (TICK_MS / 1000)
    const now = Date.now()
    while (due >= 1) {
      due -= 1
      buffer.push({ time: now, amount: String(Math.random() * 10) })
    }
    if (buffer.length > MAX_BUFFERED) {
      const dropped = buffer.length - MAX_BUFFERED
      buffer = buffer.slice(dropped)
      metrics.rejected(dropped, 'buffer_full')
      log.warn({ dropped }, 'event API unreachable for long; dropping the oldest events')
    }
  }

  async function flush(): Promise<void> {
    if (buffer.length === 0) return
    const batch = buffer
    buffer = []
    const body = config.plainText ? batch.map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(batch)
    const headers: Record<string, string> = {
      'content-type': config.plainText ? 'application/text' : 'application/json',
    }
    const now = Date.now()
    if (config.traceBackground || now - lastTraced >= TRACED_POST_EVERY_MS) lastTraced = now
    else headers.traceparent = unsampledTraceparent()
    try {
      const response = await send(config.streamApiUrl, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      })
      await response.arrayBuffer()
      if (response.status >= 400) {
        throw new BakeryError(ErrorCode.DEPENDENCY_FAILED, `event API answered ${response.status}`, {
          retryable: true,
        })
      }
      metrics.ingested(batch.length)
    } catch (error) {
      buffer = [...batch, ...buffer]
      log.warn({ err: error, events: batch.length }, 'posting events failed; keeping them for the next round')
    }
  }

  return {
    name: 'producer',
    async start() {
      // Disabled: idle. The seed generated and dropped its batches; making nothing drops nothing.
      if (isDisabled(config, 'producer')) {
        log.info({}, 'producer disabled: producing nothing')
        return
      }
      tick = setInterval(generate, TICK_MS)
      post = setInterval(() => {
        inFlight = inFlight.then(flush)
      }, config.streamPostIntervalMs)
      log.info({ rate: config.streamRate, url: config.streamApiUrl.href }, 'producing')
    },
    async stop() {
      clearInterval(tick)
      clearInterval(post)
      await inFlight
      inFlight = flush()
      await inFlight
    },
  }
}
