import { describe, expect, it } from 'vitest'
import {
  availableTargets,
  DEFAULT_LIMITS,
  type LoadForm,
  type LoadProgress,
  type LoadRun,
  type LoadSummary,
  loadBody,
  progressView,
  summaryView,
} from './load.ts'

const form = (partial: Partial<LoadForm>): LoadForm => ({
  target: 'orders',
  mode: 'open',
  rate: '40',
  vus: '8',
  durationS: '4',
  ...partial,
})

function run(progress: Partial<LoadProgress>, partial: Partial<LoadRun> = {}): LoadRun {
  return {
    id: 'r1',
    state: 'running',
    stopRequested: false,
    request: { target: 'orders', rate: 40, durationS: 4 },
    url: 'http://127.0.0.1:8000',
    startedAt: '2026-11-23T10:00:00.000Z',
    progress: {
      phase: 'load',
      elapsedMs: 0,
      loadMs: 4000,
      sent: 0,
      accepted: 0,
      errors: 0,
      ratePerSec: 0,
      p99Ms: 0,
      inFlight: 0,
      tracked: 0,
      finished: 0,
      ...progress,
    },
    summary: null,
    error: null,
    ...partial,
  }
}

describe('loadBody', () => {
  it('turns an open-loop form into the API body with numbers', () => {
    expect(loadBody(form({}), DEFAULT_LIMITS)).toEqual({ body: { target: 'orders', rate: 40, durationS: 4 } })
  })

  it('sends virtual users instead of a rate for a closed loop', () => {
    expect(loadBody(form({ mode: 'closed', target: 'albums' }), DEFAULT_LIMITS)).toEqual({
      body: { target: 'albums', vus: 8, durationS: 4 },
    })
  })

  it('names every field that is empty, not positive, fractional where whole, or above its limit', () => {
    expect(loadBody(form({ rate: '2001', durationS: '' }), DEFAULT_LIMITS)).toEqual({
      problems: ['Duration must be a positive number', 'Rate must be at most 2,000'],
    })
    expect(loadBody(form({ mode: 'closed', vus: '1.5', durationS: '301' }), DEFAULT_LIMITS)).toEqual({
      problems: ['Duration must be at most 300', 'Virtual users must be a positive whole number'],
    })
    expect(loadBody(form({ target: 'events', rate: '-1' }), DEFAULT_LIMITS)).toEqual({
      problems: ['Choose what to load', 'Rate must be a positive number'],
    })
  })
})

describe('availableTargets', () => {
  it('offers only targets whose service panel exists', () => {
    expect(availableTargets({ reception: true, coffee: false, albums: true }).map((t) => t.target)).toEqual([
      'orders',
      'albums',
    ])
    expect(availableTargets(undefined)).toEqual([])
  })
})

describe('progressView', () => {
  it('measures the load window in seconds while sending', () => {
    const view = progressView(run({ elapsedMs: 1500, loadMs: 4000 }))
    expect(view).toEqual({
      stage: 'Sending load',
      percent: 38,
      barText: '1 of 4 s',
      elapsedS: 1,
      remainingS: 3,
      stop: { label: 'Stop load', abort: false },
    })
  })

  it('switches to the followed orders once the load is over, where stop aborts the check', () => {
    const view = progressView(run({ phase: 'drain', elapsedMs: 4200, tracked: 160, finished: 120 }))
    expect(view.stage).toBe('Following accepted orders to finished')
    expect(view.percent).toBe(75)
    expect(view.barText).toBe('120 of 160 orders finished')
    expect(view.remainingS).toBe(0)
    expect(view.stop).toEqual({ label: 'Stop following orders', abort: true })
  })

  it('offers no stop once stopping was asked for or the run is done', () => {
    expect(progressView(run({ elapsedMs: 1000 }, { stopRequested: true })).stop).toBeNull()
    expect(progressView(run({ elapsedMs: 1000 }, { stopRequested: true })).stage).toBe('Stopping')
    const done = progressView(run({ phase: 'done', elapsedMs: 2000, loadMs: 2000 }, { state: 'done' }))
    expect(done).toMatchObject({ stage: 'Done', percent: 100, remainingS: 0, stop: null })
  })
})

describe('summaryView', () => {
  const latency = { count: 160, p50: 2, p90: 4, p99: 9, p999: 12, max: 12.5, mean: 2.4 }
  const summary: LoadSummary = {
    target: 'orders',
    mode: 'open',
    rate: 40,
    vus: null,
    durationS: 4,
    stoppedEarly: false,
    sent: 163,
    accepted: 160,
    acceptedPerSec: 40,
    errors: { '503': 1, ECONNRESET: 2 },
    dropped: 0,
    latencyFrom: 'intended',
    acceptMs: latency,
    completion: {
      tracked: 160,
      untracked: 0,
      finished: 160,
      lost: 0,
      lostNotFound: 0,
      unverified: 0,
      wrongBody: 0,
      e2eServerMs: { ...latency, p50: 120 },
      backlogS: 0.2,
    },
    ok: true,
  }

  it('gives accept and end-to-end percentiles as rows and errors most frequent first', () => {
    const view = summaryView(summary)
    expect(view.latency).toEqual([
      { label: 'Accept (from intended send)', values: [2, 4, 9, 12, 12.5] },
      { label: 'End to end (orderTime → finishedTime)', values: [120, 4, 9, 12, 12.5] },
    ])
    expect(view.errors).toEqual([
      ['ECONNRESET', 2],
      ['503', 1],
    ])
    expect(view.counts).toMatchObject({ sent: 163, accepted: 160, finished: 160, followed: 160, lost: 0 })
  })

  it("labels coffee end to end by the order's own timestamps and counts declined payments", () => {
    const completion = summary.completion ? { ...summary.completion, finished: 150, declined: 10 } : null
    const coffee = { ...summary, target: 'coffee', completion }
    const view = summaryView(coffee)
    expect(view.latency[1]?.label).toBe('End to end (created_at → ready_at)')
    expect(view.finishedLabel).toBe('Ready')
    expect(view.counts).toMatchObject({ finished: 150, declined: 10, pagesPerSec: null })
    expect(summaryView(summary).counts.declined).toBeNull()
    expect(summaryView(summary).finishedLabel).toBe('Finished')
  })

  it('gives pages and albums per second of an album walk', () => {
    const walk = { walkers: 8, pages: 400, pagesPerSec: 100, albums: 40000, albumsPerSec: 10000 }
    const view = summaryView({ ...summary, target: 'albums', completion: null, walk })
    expect(view.latency).toHaveLength(1)
    expect(view.counts).toMatchObject({
      pagesPerSec: 100,
      albumsPerSec: 10000,
      finished: null,
      eventsPerSec: null,
    })
  })

  it('leaves out completion for targets that are not followed', () => {
    const view = summaryView({ ...summary, completion: null, acceptMs: null, latencyFrom: 'sent' })
    expect(view.latency).toEqual([{ label: 'Accept (from send)', values: [null, null, null, null, null] }])
    expect(view.counts.finished).toBeNull()
    expect(view.counts.lost).toBeNull()
  })
})
