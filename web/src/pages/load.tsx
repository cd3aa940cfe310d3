import { useEffect, useState } from 'preact/hooks'
import { api, postJson } from '../api.ts'
import { usePoll } from '../hooks.ts'
import { formatDuration } from '../lib/format.ts'
import {
  availableTargets,
  DEFAULT_LIMITS,
  type LoadForm,
  type LoadLimits,
  type LoadRun,
  loadBody,
  PERCENTILE_HEADERS,
  progressView,
  summaryView,
} from '../lib/load.ts'
import type { Info } from '../lib/types.ts'

const n = (value: number) => value.toLocaleString('en-US')

/** The current (or last) run, live from the dashboard's SSE stream. */
function useLoadRun(): { run: LoadRun | null; live: boolean } {
  const [state, setState] = useState<{ run: LoadRun | null; live: boolean }>({ run: null, live: false })
  useEffect(() => {
    const events = new EventSource('/api/load/stream')
    events.onopen = () => setState((s) => ({ ...s, live: true }))
    events.onerror = () => setState((s) => ({ ...s, live: false }))
    events.addEventListener('run', (event) => {
      const { run } = JSON.parse((event as MessageEvent<string>).data) as { run: LoadRun | null }
      setState({ run, live: true })
    })
    return () => events.close()
  }, [])
  return state
}

function StartForm({ info, limits, busy }: { info: Info | undefined; limits: LoadLimits; busy: boolean }) {
  const targets = availableTargets(info?.panels)
  const [form, setForm] = useState<LoadForm>({
    target: 'orders',
    mode: 'open',
    rate: '50',
    vus: '16',
    durationS: '10',
  })
  const [problems, setProblems] = useState<string[]>([])
  const [sending, setSending] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    const checked = loadBody(form, limits)
    if ('problems' in checked) return setProblems(checked.problems)
    setSending(true)
    try {
      await postJson('/api/load', checked.body)
      setProblems([])
    } catch (error) {
      setProblems([(error as Error).message])
    } finally {
      setSending(false)
    }
  }
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="start-title">
      <h2 id="start-title">Start a load run</h2>
      <label>
        Target
        <select
          name="target"
          value={form.target}
          onChange={(e) => setForm({ ...form, target: e.currentTarget.value })}
        >
          {targets.map((t) => (
            <option key={t.target} value={t.target}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <fieldset class="choice">
        <legend>Load shape</legend>
        <label class="check">
          <input
            type="radio"
            name="mode"
            value="open"
            checked={form.mode === 'open'}
            onChange={() => setForm({ ...form, mode: 'open' })}
          />
          Fixed rate (open loop)
        </label>
        <label class="check">
          <input
            type="radio"
            name="mode"
            value="closed"
            checked={form.mode === 'closed'}
            onChange={() => setForm({ ...form, mode: 'closed' })}
          />
          Virtual users (closed loop)
        </label>
      </fieldset>
      {form.mode === 'open' ? (
        <label>
          Rate (requests per second, at most {n(limits.maxRate)})
          <input
            name="rate"
            type="number"
            min="1"
            max={limits.maxRate}
            step="any"
            required
            value={form.rate}
            onInput={(e) => setForm({ ...form, rate: e.currentTarget.value })}
          />
        </label>
      ) : (
        <label>
          Virtual users (at most {limits.maxVus})
          <input
            name="vus"
            type="number"
            min="1"
            max={limits.maxVus}
            step="1"
            required
            value={form.vus}
            onInput={(e) => setForm({ ...form, vus: e.currentTarget.value })}
          />
        </label>
      )}
      <label>
        Duration (seconds, at most {limits.maxDurationS})
        <input
          name="durationS"
          type="number"
          min="1"
          max={limits.maxDurationS}
          step="any"
          required
          value={form.durationS}
          onInput={(e) => setForm({ ...form, durationS: e.currentTarget.value })}
        />
      </label>
      <button type="submit" disabled={busy || sending || targets.length === 0}>
        {busy ? 'A run is in progress' : 'Start load'}
      </button>
      {problems.map((p) => (
        <p key={p} class="error" role="alert">
          {p}
        </p>
      ))}
      <p class="muted small">
        The load generator (<code>bakery load</code>) runs inside the dashboard's process; one run at a time.
      </p>
    </form>
  )
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  )
}

function Progress({ run }: { run: LoadRun }) {
  const view = progressView(run)
  const p = run.progress
  const [stopError, setStopError] = useState<string | undefined>()
  const stop = async (abort: boolean) => {
    try {
      await api(`/api/load${abort ? '?abort=true' : ''}`, { method: 'DELETE' })
      setStopError(undefined)
    } catch (error) {
      setStopError((error as Error).message)
    }
  }
  const shape = run.request.vus === undefined ? `${n(run.request.rate ?? 0)}/s` : `${run.request.vus} users`
  return (
    <section class="card" aria-labelledby="run-title">
      <div class="row-head">
        <h2 id="run-title">
          Run: {run.request.target}, {shape} for {run.request.durationS} s
        </h2>
        {view.stop && (
          <button type="button" class="danger" onClick={() => void stop(view.stop?.abort ?? false)}>
            {view.stop.label}
          </button>
        )}
      </div>
      <p class="muted small">
        Against <code>{run.url}</code> since {new Date(run.startedAt).toLocaleTimeString()}
      </p>
      <p aria-live="polite">
        <strong data-testid="load-stage">{view.stage}</strong>
        {run.error && <span class="error"> — {run.error}</span>}
      </p>
      <div class="meter">
        <progress max={100} value={view.percent} aria-label={`Run progress: ${view.barText}`} />
        <span class="small" data-testid="load-bar-text">
          {view.barText}
        </span>
      </div>
      <dl class="stats">
        <Stat label="Sent" value={n(p.sent)} testId="load-sent" />
        <Stat label="Accepted" value={n(p.accepted)} testId="load-accepted" />
        <Stat label="Errors" value={n(p.errors)} testId="load-errors" />
        <Stat label="Live rate" value={`${n(p.ratePerSec)}/s`} testId="load-rate" />
        <Stat label="p99 (last interval)" value={formatDuration(p.p99Ms)} testId="load-p99" />
        <Stat label="In flight" value={n(p.inFlight)} testId="load-in-flight" />
        <Stat label="Elapsed" value={`${view.elapsedS} s`} testId="load-elapsed" />
        <Stat label="Remaining" value={`${view.remainingS} s`} testId="load-remaining" />
      </dl>
      {stopError && (
        <p class="error" role="alert">
          {stopError}
        </p>
      )}
    </section>
  )
}

function Summary({ run }: { run: LoadRun }) {
  if (!run.summary) return null
  const s = summaryView(run.summary)
  const c = s.counts
  return (
    <section class="card" aria-labelledby="summary-title" data-testid="load-summary">
      <h2 id="summary-title">
        Summary{' '}
        <span class={`badge ${run.summary.ok ? 'status-finished' : 'err'}`} data-testid="summary-result">
          {run.summary.ok ? 'OK' : 'NOT OK'}
        </span>
        {run.summary.stoppedEarly && <span class="badge">stopped early</span>}
      </h2>
      <dl class="stats">
        <Stat label="Sent" value={n(c.sent)} testId="summary-sent" />
        <Stat label="Accepted" value={n(c.accepted)} testId="summary-accepted" />
        <Stat label="Accepted per second" value={n(c.acceptedPerSec)} testId="summary-rate" />
        {c.finished !== null && (
          <Stat label={s.finishedLabel} value={n(c.finished)} testId="summary-finished" />
        )}
        {c.declined !== null && (
          <Stat label="Declined (payment)" value={n(c.declined)} testId="summary-declined" />
        )}
        {c.pagesPerSec !== null && (
          <Stat label="Pages per second" value={n(c.pagesPerSec)} testId="summary-pages-rate" />
        )}
        {c.albumsPerSec !== null && (
          <Stat label="Albums per second" value={n(c.albumsPerSec)} testId="summary-albums-rate" />
        )}
        {c.eventsPerSec !== null && (
          <Stat label="Events per second" value={n(c.eventsPerSec)} testId="summary-events-rate" />
        )}
        {c.lost !== null && <Stat label="Lost" value={n(c.lost)} testId="summary-lost" />}
        {c.unverified ? (
          <Stat label="Unverified (stopped)" value={n(c.unverified)} testId="summary-unverified" />
        ) : null}
        {c.wrongBody ? <Stat label="Wrong body" value={n(c.wrongBody)} testId="summary-wrong" /> : null}
        {c.dropped > 0 && (
          <Stat label="Dropped (too many in flight)" value={n(c.dropped)} testId="summary-dropped" />
        )}
      </dl>
      <h3>Latency (HDR histogram)</h3>
      <table data-testid="summary-latency">
        <thead>
          <tr>
            <th scope="col">Measure</th>
            {PERCENTILE_HEADERS.map((h) => (
              <th key={h} scope="col" class="num">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {s.latency.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              {r.values.map((v, i) => (
                <td key={PERCENTILE_HEADERS[i]} class="num">
                  {formatDuration(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Errors by code</h3>
      {s.errors.length === 0 ? (
        <p class="muted" data-testid="summary-errors">
          none
        </p>
      ) : (
        <table data-testid="summary-errors">
          <thead>
            <tr>
              <th scope="col">Status or error</th>
              <th scope="col" class="num">
                Count
              </th>
            </tr>
          </thead>
          <tbody>
            {s.errors.map(([code, count]) => (
              <tr key={code}>
                <td>{code}</td>
                <td class="num">{n(count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** Start a run of the built-in load generator, watch its progress, read its summary. */
export function LoadPage({ info }: { info: Info | undefined }) {
  const { run, live } = useLoadRun()
  const limits = usePoll<{ limits: LoadLimits }>('/api/load', 0).data?.limits ?? DEFAULT_LIMITS
  const running = run?.state === 'running'
  return (
    <>
      <h1>
        Load{' '}
        <span class={`badge live-${live ? 'live' : 'reconnecting'}`} data-testid="load-live">
          {live ? 'live' : 'connecting'}
        </span>
      </h1>
      <div class="grid side">
        <StartForm info={info} limits={limits} busy={running} />
        <div>
          {run ? <Progress run={run} /> : <p class="card muted">No load run yet.</p>}
          {run && <Summary run={run} />}
        </div>
      </div>
    </>
  )
}
