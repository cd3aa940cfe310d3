// One load run: warmup, measured window, then (orders, coffee) the drain that follows every accepted
// order to completion. startLoad() returns at once; progress comes as events, the summary as a promise.
import { EventEmitter } from 'node:events'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { createLoadClient, type LoadClient } from './client.ts'
import { type CpuReport, createCpuMeter } from './cpu.ts'
import { createLatencyHistogram, type LatencySummary } from './histogram.ts'
import { type LoadOptions, type ResolvedOptions, resolveOptions } from './options.ts'
import { openSchedule, userStartTimes } from './schedule.ts'
import { createTally, type EventsSummary, type WalkSummary } from './tally.ts'
import type { Target, TargetUser } from './target.ts'
import { createTarget } from './targets.ts'
import { type CompletionSummary, createCompletionTracker } from './tracker.ts'

export type LoadPhase = 'warmup' | 'load' | 'drain' | 'done'

export interface LoadProgress {
  readonly phase: LoadPhase
  /** Since the start of the run (warmup included). */
  readonly elapsedMs: number
  /** Warmup plus measured window. */
  readonly loadMs: number
  /** Totals over the measured window so far. */
  readonly sent: number
  readonly accepted: number
  readonly errors: number
  /** Accepted per second and accept p99 over the last progress interval (warmup included). */
  readonly ratePerSec: number
  readonly p99Ms: number
  readonly inFlight: number
  /** Orders followed and, while draining, seen in a final status (finished; coffee: ready or declined). */
  readonly tracked: number
  readonly finished: number
}

export interface LoadSummary {
  readonly target: string
  readonly url: string
  readonly mode: 'open' | 'closed'
  readonly rate: number | null
  readonly vus: number | null
  readonly connections: number
  readonly durationS: number
  readonly warmupS: number
  readonly rampS: number
  readonly thinkMs: number
  readonly startedAt: string
  /** True when stop() or abort() ended the load before the planned duration. */
  readonly stoppedEarly: boolean
  readonly sent: number
  readonly accepted: number
  readonly acceptedPerSec: number
  /** Rejected or failed requests in the measured window, by HTTP status or socket error code. */
  readonly errors: Readonly<Record<string, number>>
  readonly warmupAccepted: number
  readonly warmupErrors: number
  /** Open loop: requests not sent because maxInFlight were already waiting. */
  readonly dropped: number
  /** open loop: from the intended send time (includes queueing); closed loop: from the send. */
  readonly latencyFrom: 'intended' | 'sent'
  readonly acceptMs: LatencySummary | null
  /** Orders and coffee orders followed to their final status; null for other targets or --no-track. */
  readonly completion: CompletionSummary | null
  /** albums only: the users' walks through the catalogue (pages/s, albums/s). */
  readonly walk?: WalkSummary
  /** events only: events in accepted batches (events/s). */
  readonly events?: EventsSummary
  /** The load generator's own CPU during the measured window. */
  readonly cpu: CpuReport
  /** Something was accepted, and (when followed) nothing was lost or came back wrong. */
  readonly ok: boolean
}

export interface LoadEvents {
  progress: [LoadProgress]
  phase: [LoadPhase]
}

export interface LoadRun extends EventEmitter<LoadEvents> {
  /** The latest figures (what the last `progress` event said, refreshed). */
  progress(): LoadProgress
  /** Ends the load now; accepted orders are still followed (bounded by the drain timeout). */
  stop(): void
  /** Ends everything now; orders not yet seen finished are reported as unverified, not lost. */
  abort(): void
  /** The summary, once the run (and its drain) is over. */
  readonly done: Promise<LoadSummary>
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1
}

/** Starts a load run. Throws BKR_LOAD_OPTIONS_INVALID at once on a bad option. */
export function startLoad(input: LoadOptions): LoadRun {
  const options = resolveOptions(input)
  const target = createTarget(options.target, { batch: options.batch })
  const emitter = new EventEmitter<LoadEvents>()
  const state = createState(options)
  const client = createLoadClient(options.url, {
    connections: options.connections,
    timeoutMs: options.timeoutMs,
  })
  const done = execute(options, target, client, state, emitter).finally(() => client.close())
  return Object.assign(emitter, {
    progress: () => state.snapshot(),
    stop: () => state.stop(),
    abort: () => state.abort(),
    done,
  })
}

function createState(options: ResolvedOptions) {
  const startedAt = performance.now()
  const plannedEnd = startedAt + options.warmupMs + options.durationMs
  const interval = createLatencyHistogram()
  const s = {
    phase: (options.warmupMs > 0 ? 'warmup' : 'load') as LoadPhase,
    startedAt,
    measureFrom: startedAt + options.warmupMs,
    loadEnd: plannedEnd,
    aborted: false,
    sent: 0,
    accepted: 0,
    errorCount: 0,
    inFlight: 0,
    intervalAccepted: 0,
    intervalFrom: startedAt,
    interval,
    lastRate: 0,
    lastP99: 0,
    finished: 0,
    tracked: 0,
    stop() {
      s.loadEnd = Math.min(s.loadEnd, Math.max(s.measureFrom, performance.now()))
    },
    abort() {
      s.aborted = true
      s.stop()
    },
    /** Rolls the interval figures over; called by the progress timer. */
    roll() {
      const now = performance.now()
      const seconds = (now - s.intervalFrom) / 1000
      s.lastRate = seconds > 0 ? Math.round(s.intervalAccepted / seconds) : 0
      s.lastP99 = interval.percentile(99)
      s.intervalAccepted = 0
      s.intervalFrom = now
      interval.reset()
    },
    snapshot(): LoadProgress {
      return {
        phase: s.phase,
        elapsedMs: Math.round(performance.now() - startedAt),
        loadMs: Math.round(s.loadEnd - startedAt),
        sent: s.sent,
        accepted: s.accepted,
        errors: s.errorCount,
        ratePerSec: s.lastRate,
        p99Ms: Math.round(s.lastP99 * 100) / 100,
        inFlight: s.inFlight,
        tracked: s.tracked,
        finished: s.finished,
      }
    },
  }
  return s
}

type State = ReturnType<typeof createState>

async function execute(
  options: ResolvedOptions,
  target: Target,
  client: LoadClient,
  state: State,
  emitter: EventEmitter<LoadEvents>,
): Promise<LoadSummary> {
  // Let the caller attach its listeners (synchronously after startLoad) before the first event.
  await Promise.resolve()
  const histogram = createLatencyHistogram()
  const errors: Record<string, number> = {}
  const tracker =
    target.follow && options.track ? createCompletionTracker(target.follow, options.trackLimit) : null
  const tally = createTally(target, options.batch)
  let users = 0
  const newUser = () => {
    users++
    return target.user()
  }
  const cpu = createCpuMeter()
  let warmupAccepted = 0
  let warmupErrors = 0
  let dropped = 0

  const setPhase = (phase: LoadPhase) => {
    state.phase = phase
    emitter.emit('phase', phase)
  }
  const ticker = setInterval(() => {
    state.roll()
    emitter.emit('progress', state.snapshot())
  }, options.progressIntervalMs)

  /** Sends the user's next request; `from` is when it was due (open) or sent (closed). */
  const fire = async (user: TargetUser, from: number) => {
    const request = user.next(options.random)
    const measured = from >= state.measureFrom
    state.inFlight++
    if (measured) state.sent++
    const sentAt = Date.now()
    const reply = await client.send(request)
    const latency = performance.now() - from
    state.inFlight--
    const verdict =
      reply.status === undefined
        ? { ok: false as const, error: reply.error }
        : user.check(reply.status, reply.body, reply.headers)
    if (verdict.ok) {
      state.intervalAccepted++
      state.interval.record(latency)
      if (tracker && verdict.key && request.expect) {
        tracker.add({ key: verdict.key, expect: request.expect, sentAt })
        state.tracked = tracker.tracked
      }
      if (measured) {
        state.accepted++
        histogram.record(latency)
        tally.record(verdict)
      } else warmupAccepted++
    } else if (measured) {
      state.errorCount++
      bump(errors, verdict.error)
    } else warmupErrors++
    return reply.status !== undefined
  }

  let warmupTimer: NodeJS.Timeout | undefined
  if (options.warmupMs > 0) {
    setPhase('warmup')
    warmupTimer = setTimeout(
      () => {
        cpu.restart()
        setPhase('load')
      },
      Math.max(0, state.measureFrom - performance.now()),
    )
  } else setPhase('load')

  if (options.mode === 'open') dropped = await openLoop(options, newUser, state, fire)
  else await closedLoop(options, newUser, state, fire)
  clearTimeout(warmupTimer)
  const cpuReport: CpuReport = cpu.report()
  const loadEndedAt = Date.now()

  let completion: CompletionSummary | null = null
  if (tracker) {
    setPhase('drain')
    completion = await tracker.drain({
      client,
      timeoutMs: options.drainTimeoutMs,
      concurrency: options.pollConcurrency,
      loadEndedAt,
      aborted: () => state.aborted,
      onPass: ({ finished }) => {
        state.finished = finished
      },
      onFinished: () => {
        state.finished++
      },
    })
  }
  clearInterval(ticker)
  state.roll()
  setPhase('done')
  emitter.emit('progress', state.snapshot())

  const windowS = Math.max(0.001, (state.loadEnd - state.measureFrom) / 1000)
  const acceptMs = histogram.summary()
  return {
    target: options.target,
    url: options.url,
    mode: options.mode,
    rate: options.mode === 'open' ? options.rate : null,
    vus: options.mode === 'closed' ? options.vus : null,
    connections: options.connections,
    durationS: Number(windowS.toFixed(3)),
    warmupS: options.warmupMs / 1000,
    rampS: options.rampMs / 1000,
    thinkMs: options.thinkMs,
    startedAt: new Date(performance.timeOrigin + state.startedAt).toISOString(),
    stoppedEarly: state.loadEnd < state.startedAt + options.warmupMs + options.durationMs,
    sent: state.sent,
    accepted: state.accepted,
    acceptedPerSec: Number((state.accepted / windowS).toFixed(1)),
    errors,
    warmupAccepted,
    warmupErrors,
    dropped,
    latencyFrom: options.mode === 'open' ? 'intended' : 'sent',
    acceptMs,
    completion,
    ...tally.fields(windowS, users),
    cpu: cpuReport,
    ok: state.accepted > 0 && (completion === null || (completion.lost === 0 && completion.wrongBody === 0)),
  }
}

type Fire = (user: TargetUser, from: number) => Promise<boolean>

/**
 * Sends on schedule whatever the replies do; returns how many were dropped at maxInFlight. Each
 * request goes to a user with nothing in flight (a new one when all are busy), so a user's
 * requests (an album walk) still come one after the other.
 */
async function openLoop(
  options: ResolvedOptions,
  newUser: () => TargetUser,
  state: State,
  fire: Fire,
): Promise<number> {
  const schedule = openSchedule(options.rate, options.rampMs)
  const pending = new Set<Promise<boolean>>()
  const idle: TargetUser[] = []
  let next = 0
  let dropped = 0
  for (;;) {
    const now = performance.now()
    const end = state.loadEnd
    const due = schedule.dueBy(Math.min(now, end) - state.startedAt)
    while (next < due) {
      const at = state.startedAt + schedule.dueAt(next++)
      if (at >= end) break
      if (state.inFlight >= options.maxInFlight) {
        if (at >= state.measureFrom) dropped++
        continue
      }
      const user = idle.pop() ?? newUser()
      const sending = fire(user, at).finally(() => idle.push(user))
      pending.add(sending)
      void sending.finally(() => pending.delete(sending))
    }
    if (now >= end) break
    const wait = state.startedAt + schedule.dueAt(next) - performance.now()
    await sleep(Math.max(1, Math.min(wait, end - now, 50)))
  }
  // Replies still on their way count: they were sent inside the window.
  await Promise.all(pending)
  return dropped
}

/** Virtual users: each sends, waits for the reply, thinks, and goes again until the end. */
async function closedLoop(
  options: ResolvedOptions,
  newUser: () => TargetUser,
  state: State,
  fire: Fire,
): Promise<void> {
  const user = async (startOffset: number) => {
    await sleep(startOffset)
    const self = newUser()
    while (performance.now() < state.loadEnd) {
      const reachable = await fire(self, performance.now())
      // A refused connection answers at once: pause so a dead server is not spun against.
      const pause = reachable ? options.thinkMs : Math.max(options.thinkMs, 10)
      if (pause > 0) await sleep(Math.min(pause, Math.max(0, state.loadEnd - performance.now())))
    }
  }
  await Promise.all(userStartTimes(options.vus, options.rampMs).map(user))
}
