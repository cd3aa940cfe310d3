import { useEffect, useState } from 'preact/hooks'
import { ApiError, api } from '../api.ts'
import { type FaultForm, faultUpdate } from '../lib/coffee.ts'

interface Breaker {
  name: string
  state: string
  since: string
  failures: number
  successes: number
  rejected: number
  transitions: number
}

interface Fault {
  target: string
  errorRate: number
  latencyMs: number
  jitterMs: number
  down: boolean
  slowDripMs: number
  until?: string
}

const TOKEN = 'admin-token'
const TARGETS = ['payments', 'coffee-reception', 'barista', 'baker']

function useAdmin(token: string) {
  const [state, setState] = useState<{ breakers: Breaker[]; faults: Fault[]; error?: string }>({
    breakers: [],
    faults: [],
  })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (!token) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const headers = { authorization: `Bearer ${token}` }
    const poll = async () => {
      try {
        const [b, f] = await Promise.all([
          api<{ breakers: Breaker[] }>('/api/svc/coffee/admin/breakers', { headers }),
          api<{ faults: Fault[] }>('/api/svc/coffee/admin/faults', { headers }),
        ])
        if (live) setState({ breakers: b.breakers, faults: f.faults })
      } catch (error) {
        const message =
          error instanceof ApiError && error.status === 401 ? 'The token was refused' : String(error)
        if (live) setState((s) => ({ ...s, error: message }))
      }
      if (live) timer = setTimeout(poll, 1000)
    }
    void poll()
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [token, tick])
  return { ...state, refresh: () => setTick((n) => n + 1) }
}

/** Circuit breakers and fault injection through the coffee reception's admin API (bearer token). */
export function DrillsPage() {
  const [draft, setDraft] = useState(() => sessionStorage.getItem(TOKEN) ?? '')
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN) ?? '')
  const [form, setForm] = useState<FaultForm>({
    target: 'payments',
    errorPercent: '0',
    latencyMs: '0',
    down: false,
  })
  const [problems, setProblems] = useState<string[]>([])
  const admin = useAdmin(token)
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  const apply = async (event: Event) => {
    event.preventDefault()
    const update = faultUpdate(form)
    if ('problems' in update) return setProblems(update.problems)
    try {
      await api('/api/svc/coffee/admin/faults', { method: 'PUT', headers, body: JSON.stringify(update.body) })
      setProblems([])
      admin.refresh()
    } catch (error) {
      setProblems([(error as Error).message])
    }
  }
  const clear = async () => {
    await api(`/api/svc/coffee/admin/faults?target=${encodeURIComponent(form.target)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    }).catch((error: Error) => setProblems([error.message]))
    admin.refresh()
  }

  return (
    <>
      <h1>Breakers and faults</h1>
      <form
        class="card search"
        aria-label="Admin token"
        onSubmit={(e) => {
          e.preventDefault()
          sessionStorage.setItem(TOKEN, draft)
          setToken(draft)
        }}
      >
        <label>
          Admin token
          <input
            name="token"
            type="password"
            autoComplete="off"
            value={draft}
            placeholder="BAKERY_ADMIN_TOKEN"
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Use token</button>
      </form>
      {!token && (
        <p class="muted">
          The admin API needs the bearer token (BAKERY_ADMIN_TOKEN, or the one logged at start).
        </p>
      )}
      {admin.error && (
        <p class="error" role="alert">
          {admin.error}
        </p>
      )}
      {token && (
        <div class="grid two">
          <section class="card" aria-labelledby="breakers-title">
            <h2 id="breakers-title">Circuit breakers</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Breaker</th>
                  <th scope="col">State</th>
                  <th scope="col">Since</th>
                  <th scope="col" class="num">
                    Failures
                  </th>
                  <th scope="col" class="num">
                    Rejected
                  </th>
                </tr>
              </thead>
              <tbody>
                {admin.breakers.map((b) => (
                  <tr key={b.name} data-testid={`breaker-${b.name}`}>
                    <td>{b.name}</td>
                    <td>
                      <span class={`badge breaker-${b.state}`}>{b.state}</span>
                    </td>
                    <td>{new Date(b.since).toLocaleTimeString()}</td>
                    <td class="num">{b.failures}</td>
                    <td class="num">{b.rejected}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {admin.breakers.length === 0 && <p class="muted">No breaker has been used yet.</p>}
          </section>
          <section class="card" aria-labelledby="faults-title">
            <h2 id="faults-title">Inject a fault</h2>
            <form class="form" onSubmit={apply}>
              <label>
                Target
                <input
                  name="target"
                  list="fault-targets"
                  value={form.target}
                  onInput={(e) => setForm({ ...form, target: e.currentTarget.value })}
                />
                <datalist id="fault-targets">
                  {TARGETS.map((t) => (
                    <option key={t} value={t} />
                  ))}
                </datalist>
              </label>
              <label>
                Error rate (%)
                <input
                  name="errorPercent"
                  inputMode="numeric"
                  value={form.errorPercent}
                  onInput={(e) => setForm({ ...form, errorPercent: e.currentTarget.value })}
                />
              </label>
              <label>
                Added latency (ms)
                <input
                  name="latencyMs"
                  inputMode="numeric"
                  value={form.latencyMs}
                  onInput={(e) => setForm({ ...form, latencyMs: e.currentTarget.value })}
                />
              </label>
              <label class="check">
                <input
                  type="checkbox"
                  name="down"
                  checked={form.down}
                  onChange={(e) => setForm({ ...form, down: e.currentTarget.checked })}
                />
                Hard down (connections cut)
              </label>
              <div class="row-head">
                <button type="submit">Apply fault</button>
                <button type="button" class="secondary" onClick={clear}>
                  Clear {form.target} faults
                </button>
              </div>
              {problems.map((p) => (
                <p key={p} class="error" role="alert">
                  {p}
                </p>
              ))}
            </form>
            <h3>Active faults</h3>
            <ul class="plain" data-testid="active-faults">
              {admin.faults.map((f) => (
                <li key={f.target}>
                  <strong>{f.target}</strong>: {f.down ? 'down' : ''}{' '}
                  {f.errorRate > 0 ? `${Math.round(f.errorRate * 100)}% errors` : ''}{' '}
                  {f.latencyMs > 0 ? `+${f.latencyMs} ms` : ''}
                </li>
              ))}
              {admin.faults.length === 0 && <li class="muted">none</li>}
            </ul>
          </section>
        </div>
      )}
    </>
  )
}
