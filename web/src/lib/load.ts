// The load page's data: the form turned into a POST /api/load body (or the problems with it), a
// run's progress as the page shows it, and the final summary as rows. Shapes mirror
// src/dashboard/load-control.ts and src/load/run.ts.

export interface LoadLimits {
  maxRate: number
  maxVus: number
  maxDurationS: number
}

export const DEFAULT_LIMITS: LoadLimits = { maxRate: 2000, maxVus: 256, maxDurationS: 300 }

export const LOAD_TARGETS = [
  { target: 'orders', panel: 'reception', label: 'Bakery orders (reception)' },
  { target: 'coffee', panel: 'coffee', label: 'Coffee orders' },
  { target: 'albums', panel: 'albums', label: 'Album pages (album proxy)' },
] as const
export type LoadTarget = (typeof LOAD_TARGETS)[number]['target']

export interface LoadProgress {
  phase: 'warmup' | 'load' | 'drain' | 'done'
  elapsedMs: number
  loadMs: number
  sent: number
  accepted: number
  errors: number
  ratePerSec: number
  p99Ms: number
  inFlight: number
  tracked: number
  finished: number
}

export interface Latency {
  count: number
  p50: number
  p90: number
  p99: number
  p999: number
  max: number
  mean: number
}

export interface LoadSummary {
  target: string
  mode: 'open' | 'closed'
  rate: number | null
  vus: number | null
  durationS: number
  stoppedEarly: boolean
  sent: number
  accepted: number
  acceptedPerSec: number
  errors: Record<string, number>
  dropped: number
  latencyFrom: 'intended' | 'sent'
  acceptMs: Latency | null
  completion: {
    tracked: number
    untracked: number
    finished: number
    /** coffee only: payment declined, a final status (not lost). */
    declined?: number
    lost: number
    lostNotFound: number
    unverified: number
    wrongBody: number
    e2eServerMs: Latency | null
    backlogS: number | null
  } | null
  /** albums only: the users' walks through the catalogue. */
  walk?: { walkers: number; pages: number; pagesPerSec: number; albums: number; albumsPerSec: number }
  /** events only. */
  events?: { batch: number; count: number; perSec: number }
  ok: boolean
}

export interface LoadRun {
  id: string
  state: 'running' | 'done' | 'failed'
  stopRequested: boolean
  request: { target: LoadTarget; rate?: number; vus?: number; durationS: number }
  url: string
  startedAt: string
  progress: LoadProgress
  summary: LoadSummary | null
  error: string | null
}

export interface LoadForm {
  target: string
  mode: 'open' | 'closed'
  rate: string
  vus: string
  durationS: string
}

export interface LoadBody {
  target: LoadTarget
  rate?: number
  vus?: number
  durationS: number
}

/** The targets whose service is part of this build, in menu order. */
export function availableTargets(panels: Record<string, boolean> | undefined) {
  return LOAD_TARGETS.filter((t) => panels?.[t.panel] === true)
}

function bounded(text: string, label: string, max: number, integer: boolean, problems: string[]) {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    problems.push(`${label} must be a positive ${integer ? 'whole number' : 'number'}`)
  else if (value > max) problems.push(`${label} must be at most ${max.toLocaleString('en-US')}`)
  return value
}

/** The form as the API body, or what is wrong with it (the server checks the same bounds). */
export function loadBody(form: LoadForm, limits: LoadLimits): { body: LoadBody } | { problems: string[] } {
  const problems: string[] = []
  const target = LOAD_TARGETS.find((t) => t.target === form.target)?.target
  if (!target) problems.push('Choose what to load')
  const durationS = bounded(form.durationS, 'Duration', limits.maxDurationS, false, problems)
  const shape =
    form.mode === 'open'
      ? { rate: bounded(form.rate, 'Rate', limits.maxRate, false, problems) }
      : { vus: bounded(form.vus, 'Virtual users', limits.maxVus, true, problems) }
  if (problems.length > 0 || !target) return { problems }
  return { body: { target, durationS, ...shape } }
}

export interface ProgressView {
  /** What the run is doing, in words. */
  stage: string
  /** 0–100: share of the load window, then of the followed orders seen finished. */
  percent: number
  /** What the bar measures, e.g. "12 of 30 s" or "120 of 160 orders finished". */
  barText: string
  elapsedS: number
  remainingS: number
  /** The Stop button: what it does now, or null when there is nothing to stop. */
  stop: { label: string; abort: boolean } | null
}

export function progressView(run: LoadRun): ProgressView {
  const p = run.progress
  const elapsedS = Math.floor(p.elapsedMs / 1000)
  const remainingS = Math.max(0, Math.ceil((p.loadMs - p.elapsedMs) / 1000))
  const running = run.state === 'running'
  if (p.phase === 'drain' || (p.phase === 'done' && p.tracked > 0)) {
    const share = p.tracked > 0 ? p.finished / p.tracked : 1
    return {
      stage: running ? 'Following accepted orders to finished' : 'Done',
      percent: Math.round(share * 100),
      barText: `${p.finished.toLocaleString('en-US')} of ${p.tracked.toLocaleString('en-US')} orders finished`,
      elapsedS,
      remainingS: 0,
      stop: running ? { label: 'Stop following orders', abort: true } : null,
    }
  }
  const share = p.loadMs > 0 ? Math.min(1, p.elapsedMs / p.loadMs) : 1
  const loadS = Math.round(p.loadMs / 1000)
  return {
    stage: !running
      ? 'Done'
      : run.stopRequested
        ? 'Stopping'
        : p.phase === 'warmup'
          ? 'Warming up'
          : 'Sending load',
    percent: running ? Math.round(share * 100) : 100,
    barText: `${Math.min(elapsedS, loadS)} of ${loadS} s`,
    elapsedS,
    remainingS: running ? remainingS : 0,
    stop: running && !run.stopRequested ? { label: 'Stop load', abort: false } : null,
  }
}

export interface LatencyRow {
  label: string
  values: (number | null)[]
}

export const PERCENTILE_HEADERS = ['p50', 'p90', 'p99', 'p99.9', 'max']

const row = (label: string, h: Latency | null | undefined): LatencyRow => ({
  label,
  values: h ? [h.p50, h.p90, h.p99, h.p999, h.max] : [null, null, null, null, null],
})

/** What a followed order's end to end is measured between: the timestamps of its own GET body. */
const E2E_LABELS: Record<string, string> = {
  orders: 'End to end (orderTime → finishedTime)',
  coffee: 'End to end (created_at → ready_at)',
}

/** The summary's latency rows, counts and errors (most frequent first). */
export function summaryView(s: LoadSummary) {
  const c = s.completion
  return {
    latency: [
      row(s.latencyFrom === 'intended' ? 'Accept (from intended send)' : 'Accept (from send)', s.acceptMs),
      ...(c ? [row(E2E_LABELS[s.target] ?? 'End to end', c.e2eServerMs)] : []),
    ],
    /** What a followed order that completed is called: coffee orders become ready. */
    finishedLabel: s.target === 'coffee' ? 'Ready' : 'Finished',
    counts: {
      sent: s.sent,
      accepted: s.accepted,
      acceptedPerSec: s.acceptedPerSec,
      finished: c ? c.finished : null,
      declined: c?.declined ?? null,
      pagesPerSec: s.walk ? s.walk.pagesPerSec : null,
      albumsPerSec: s.walk ? s.walk.albumsPerSec : null,
      eventsPerSec: s.events ? s.events.perSec : null,
      followed: c ? c.tracked : null,
      lost: c ? c.lost : null,
      unverified: c ? c.unverified : null,
      wrongBody: c ? c.wrongBody : null,
      dropped: s.dropped,
    },
    errors: Object.entries(s.errors).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  }
}
