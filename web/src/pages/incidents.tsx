// Incidents: pick one from the catalogue and start it, watch the clock, take hints one at a time,
// then submit a diagnosis (component, reason, time) and see how it scores against the ground truth.
import { useState } from 'preact/hooks'
import { api, postJson } from '../api.ts'
import { usePoll } from '../hooks.ts'

interface IncidentSummary {
  name: string
  title: string
  symptom: string
  hints: number
  durationS: number
}

interface Catalogue {
  incidents: IncidentSummary[]
  reasons: string[]
}

interface GradeItem {
  field: string
  correct: boolean
  given: string
  expected: string
}

interface Run {
  caseId: string
  incident: string
  title: string
  symptom: string
  seed: number
  durationS: number
  state: string
  startedAt: string | null
  elapsedS: number
  hints: string[]
  hintsLeft: number
  error: string | null
  grade: { score: number; items: GradeItem[] } | null
  groundTruth: { inject_time_iso: string; verified: { ok: boolean; detect_ms: number | null } } | null
}

function StartForm({ catalogue, busy }: { catalogue: Catalogue; busy: boolean }) {
  const [name, setName] = useState(catalogue.incidents[0]?.name ?? '')
  const [seed, setSeed] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const submit = async (event: Event) => {
    event.preventDefault()
    try {
      await postJson('/api/incidents/run', { name, ...(seed === '' ? {} : { seed: Number(seed) }) })
      setProblem(null)
    } catch (error) {
      setProblem((error as Error).message)
    }
  }
  const chosen = catalogue.incidents.find((i) => i.name === name)
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="incident-start">
      <h2 id="incident-start">Start an incident</h2>
      <label>
        Incident
        <select name="incident" value={name} onChange={(e) => setName(e.currentTarget.value)}>
          {catalogue.incidents.map((i) => (
            <option key={i.name} value={i.name}>
              {i.title}
            </option>
          ))}
        </select>
      </label>
      {chosen && <p class="note">What you will notice: {chosen.symptom}</p>}
      <label>
        Seed (optional: the same seed stages the same incident)
        <input
          name="seed"
          type="number"
          min="0"
          value={seed}
          onInput={(e) => setSeed(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Start
      </button>
      {problem && <p role="alert">{problem}</p>}
    </form>
  )
}

function AnswerForm({ reasons, run }: { reasons: string[]; run: Run }) {
  const [component, setComponent] = useState('')
  const [reason, setReason] = useState(reasons[0] ?? '')
  const [time, setTime] = useState(() => new Date().toISOString().slice(0, 19))
  const [problem, setProblem] = useState<string | null>(null)
  const submit = async (event: Event) => {
    event.preventDefault()
    try {
      await postJson('/api/incidents/run/answer', { component, reason, time: `${time}Z` })
      setProblem(null)
    } catch (error) {
      setProblem((error as Error).message)
    }
  }
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="incident-answer">
      <h2 id="incident-answer">Your diagnosis of {run.title}</h2>
      <label>
        Component (a service, or service.seam such as baker.db)
        <input
          name="component"
          required
          value={component}
          onInput={(e) => setComponent(e.currentTarget.value)}
        />
      </label>
      <label>
        Reason
        <select name="reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
          {reasons.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        When it began (UTC)
        <input
          name="time"
          type="datetime-local"
          step="1"
          value={time}
          onInput={(e) => setTime(e.currentTarget.value)}
        />
      </label>
      <button type="submit">Submit diagnosis</button>
      {problem && <p role="alert">{problem}</p>}
    </form>
  )
}

function RunCard({ run }: { run: Run }) {
  const running = run.state === 'running' || run.state === 'preparing'
  const hint = () => void postJson('/api/incidents/run/hint', {}).catch(() => undefined)
  const stop = () => void api('/api/incidents/run', { method: 'DELETE' }).catch(() => undefined)
  return (
    <section class="card" aria-labelledby="incident-run">
      <h2 id="incident-run">{run.title}</h2>
      <p>{run.symptom}</p>
      <p class="note">
        Run <code>{run.caseId}</code> (seed {run.seed}):{' '}
        <strong data-testid="incident-state">{run.state}</strong>,{' '}
        <span data-testid="incident-clock">{Math.round(run.elapsedS)} s</span> of {run.durationS} s
      </p>
      <ol data-testid="incident-hints">
        {run.hints.map((h) => (
          <li key={h}>{h}</li>
        ))}
      </ol>
      {running && (
        <p>
          <button type="button" onClick={hint} disabled={run.hintsLeft === 0}>
            Take a hint ({run.hintsLeft} left)
          </button>{' '}
          <button type="button" onClick={stop}>
            Stop
          </button>
        </p>
      )}
      {run.error && <p role="alert">{run.error}</p>}
      {run.grade && (
        <div data-testid="incident-grade">
          <h3>Score {run.grade.score.toFixed(2)}</h3>
          <ul>
            {run.grade.items.map((item) => (
              <li key={item.field}>
                {item.correct ? '✔' : '✘'} {item.field}: given {item.given}; expected {item.expected}
              </li>
            ))}
          </ul>
        </div>
      )}
      {run.groundTruth && (
        <p class="note">
          Began {run.groundTruth.inject_time_iso}; symptom seen in telemetry{' '}
          {run.groundTruth.verified.detect_ms === null
            ? 'never'
            : `after ${run.groundTruth.verified.detect_ms} ms`}
          .
        </p>
      )}
    </section>
  )
}

export function IncidentsPage() {
  const catalogue = usePoll<Catalogue>('/api/incidents', 0).data
  const run = usePoll<{ run: Run | null }>('/api/incidents/run', 1000).data?.run ?? null
  const running = run !== null && (run.state === 'running' || run.state === 'preparing')
  return (
    <>
      <h1>Incidents</h1>
      <p class="note">
        A staged incident: load and faults, a symptom to find, hints if you need them. Diagnose the root
        cause; your answer is scored like OpenRCA (component, reason, time within 60 s).
      </p>
      {catalogue && <StartForm catalogue={catalogue} busy={running} />}
      {run && <RunCard run={run} />}
      {run && catalogue && !run.grade && (running || run.groundTruth) && (
        <AnswerForm reasons={catalogue.reasons} run={run} />
      )}
    </>
  )
}
