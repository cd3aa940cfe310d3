// The dashboard's "start load" control: at most one run of the built-in load generator at a time,
// bounded in rate, users and duration, so a click in a browser cannot flood the machine it runs on.
// Listeners (the SSE stream) get the run's view at every progress tick and when it ends.
import { randomUUID } from 'node:crypto'
import { type LoadProgress, type LoadRun, type LoadSummary, startLoad } from '../load/index.ts'
import { BakeryError, ErrorCode, errorMessage } from '../platform/errors.ts'
import type { Logger } from '../platform/log/index.ts'

export const LOAD_LIMITS = { maxRate: 2000, maxVus: 256, maxDurationS: 300 } as const

/** APIs the dashboard can load: those whose service it already knows as a panel. */
export const LOAD_TARGETS = { orders: 'reception', coffee: 'coffee', albums: 'albums' } as const
export type LoadTarget = keyof typeof LOAD_TARGETS

export interface LoadRequest {
  readonly target: LoadTarget
  /** Open loop: requests per second. */
  readonly rate?: number
  /** Closed loop: virtual users. */
  readonly vus?: number
  readonly durationS: number
}

export interface LoadRunView {
  readonly id: string
  readonly state: 'running' | 'done' | 'failed'
  /** stop() was asked for: the load ended early; accepted orders are still being followed. */
  readonly stopRequested: boolean
  readonly request: LoadRequest
  readonly url: string
  readonly startedAt: string
  readonly progress: LoadProgress
  readonly summary: LoadSummary | null
  readonly error: string | null
}

export interface LoadControl {
  /** The run in progress, or the last one (with its summary); null before the first. */
  current(): LoadRunView | null
  /** Starts a run; BKR_LOAD_BUSY (409) while one is running. */
  start(request: LoadRequest): LoadRunView
  /** Ends the load early (orders are still followed); `abort` also ends the follow-up. */
  stop(abort: boolean): LoadRunView
  /** Called with the view on every change; returns the unsubscribe function. */
  subscribe(listener: (view: LoadRunView) => void): () => void
  /** Aborts a running run and waits for it (shutdown). */
  close(): Promise<void>
}

export interface LoadControlOptions {
  /** Base URL of the service behind each target, undefined when it is not part of this build. */
  readonly urlOf: (target: LoadTarget) => string | undefined
  readonly log: Logger
}

// Accepted orders followed at most: 2000/s × 300 s would otherwise keep 600,000 keys in memory.
const TRACK_LIMIT = 100_000
const DRAIN_TIMEOUT_MS = 60_000

function notRunning(): BakeryError {
  return new BakeryError(ErrorCode.HTTP_NOT_FOUND, 'no load run is in progress', { status: 404 })
}

export function createLoadControl(options: LoadControlOptions): LoadControl {
  const listeners = new Set<(view: LoadRunView) => void>()
  let view: LoadRunView | null = null
  let run: LoadRun | undefined

  const update = (next: LoadRunView) => {
    view = next
    for (const listener of listeners) listener(next)
  }

  return {
    current: () => (view && run && view.state === 'running' ? { ...view, progress: run.progress() } : view),
    start(request) {
      if (run && view?.state === 'running') {
        throw new BakeryError(
          ErrorCode.LOAD_BUSY,
          `a load run is in progress (started ${view.startedAt}); stop it or wait for its summary`,
          { status: 409 },
        )
      }
      const url = options.urlOf(request.target)
      if (!url) {
        throw new BakeryError(
          ErrorCode.HTTP_VALIDATION,
          `target ${request.target} is not part of this build`,
          {
            status: 400,
            details: [{ field: 'target', message: 'is not part of this build' }],
          },
        )
      }
      let started: LoadRun
      try {
        started = startLoad({
          url,
          target: request.target,
          ...(request.vus === undefined
            ? { mode: 'open' as const, rate: request.rate ?? 0 }
            : { mode: 'closed' as const, vus: request.vus }),
          durationMs: Math.round(request.durationS * 1000),
          trackLimit: TRACK_LIMIT,
          drainTimeoutMs: DRAIN_TIMEOUT_MS,
          progressIntervalMs: 500,
        })
      } catch (error) {
        if (error instanceof BakeryError && error.code === ErrorCode.LOAD_OPTIONS_INVALID)
          throw new BakeryError(error.code, error.message, { status: 400, cause: error })
        throw error
      }
      run = started
      const id = randomUUID()
      const base = {
        id,
        request,
        url,
        startedAt: new Date().toISOString(),
        stopRequested: false,
        summary: null,
        error: null,
      }
      const isCurrent = () => view?.id === id
      const first: LoadRunView = { ...base, state: 'running', progress: started.progress() }
      update(first)
      started.on('progress', (progress) => {
        if (isCurrent() && view?.state === 'running') update({ ...view, progress })
      })
      options.log.info({ run: id, ...request, url }, 'load run started')
      started.done.then(
        (summary) => {
          options.log.info(
            { run: id, accepted: summary.accepted, lost: summary.completion?.lost ?? null },
            'load run done',
          )
          if (isCurrent() && view) update({ ...view, state: 'done', progress: started.progress(), summary })
        },
        (error: unknown) => {
          options.log.error({ run: id, err: error }, 'load run failed')
          if (isCurrent() && view)
            update({ ...view, state: 'failed', progress: started.progress(), error: errorMessage(error) })
        },
      )
      return first
    },
    stop(abort) {
      if (!run || view?.state !== 'running') throw notRunning()
      if (abort) run.abort()
      else run.stop()
      update({ ...view, stopRequested: true, progress: run.progress() })
      return view
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async close() {
      listeners.clear()
      if (run && view?.state === 'running') {
        run.abort()
        await run.done.catch(() => {})
      }
    },
  }
}
