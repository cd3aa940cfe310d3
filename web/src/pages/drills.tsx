import { useEffect, useState } from 'preact/hooks'
import { ApiError, api } from '../api.ts'
import {
  BREAKER_SERVICES,
  BREAKER_STATE_VALUE,
  type Breaker,
  type BreakerRow,
  type BreakerService,
  breakerRows,
  describeBreakerState,
} from '../lib/breakers.ts'
import { type FaultForm, faultUpdate } from '../lib/coffee.ts'
import type { Info } from '../lib/types.ts'

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

interface AdminState {
  breakers: BreakerRow[]
  faults: Fault[]
  /** Services whose admin API did not answer (not running, or unreachable). */
  unreachable: string[]
  error?: string
}

/** Polls GET /admin/breakers of every service that owns breakers, and the faults of `faultsFrom`. */
function useAdmin(
  token: string,
  services: readonly BreakerService[],
  faultsFrom: BreakerService | undefined,
) {
  const [state, setState] = useState<AdminState>({ breakers: [], faults: [], unreachable: [] })
  const [tick, setTick] = useState(0)
  // The list as a string: a new array each render must not restart the polling.
  const key = services.join(',')
  useEffect(() => {
    const polled = key.split(',').filter(Boolean) as BreakerService[]
    if (!token || polled.length === 0) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const headers = { authorization: `Bearer ${token}` }
    const poll = async () => {
      const [faults, ...lists] = await Promise.allSettled([
        faultsFrom
          ? api<{ faults: Fault[] }>(`/api/svc/${faultsFrom}/admin/faults`, { headers })
          : Promise.resolve({ faults: [] }),
        ...polled.map((s) => api<{ breakers: Breaker[] }>(`/api/svc/${s}/admin/breakers`, { headers })),
      ])
      const failures = [faults, ...lists].filter((r) => r.status === 'rejected')
      const refused = failures.some((r) => r.reason instanceof ApiError && r.reason.status === 401)
      const byService: Partial<Record<BreakerService, Breaker[]>> = {}
      const unreachable: string[] = []
      lists.forEach((result, i) => {
        const service = polled[i] as BreakerService
        if (result.status === 'fulfilled') byService[service] = result.value.breakers
        else unreachable.push(BREAKER_SERVICES.find((s) => s.upstream === service)?.label ?? service)
      })
      if (live) {
        if (refused) setState((s) => ({ ...s, error: 'The token was refused' }))
        else
          setState({
            breakers: breakerRows(byService),
            faults: faults.status === 'fulfilled' ? faults.value.faults : [],
            unreachable,
          })
      }
      if (live) timer = setTimeout(poll, 1000)
    }
    void poll()
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [token, key, faultsFrom, tick])
  return { ...state, refresh: () => setTick((n) => n + 1) }
}

/**
 * Circuit breakers of every service that has them (coffee reception, bakery reception, album
 * proxy) and fault injection, through their admin APIs (bearer token).
 */
export function DrillsPage({ info }: { info: Info | undefined }) {
  const services = BREAKER_SERVICES.map((s) => s.upstream).filter((s) => info?.panels[s] === true)
  const faultsFrom = services[0]
  const [draft, setDraft] = useState(() => sessionStorage.getItem(TOKEN) ?? '')
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN) ?? '')
  const [form, setForm] = useState<FaultForm>({
    target: 'payments',
    errorPercent: '0',
    latencyMs: '0',
    down: false,
  })
  const [problems, setProblems] = useState<string[]>([])
  const admin = useAdmin(token, services, faultsFrom)
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  const apply = async (event: Event) => {
    event.preventDefault()
    const update = faultUpdate(form)
    if ('problems' in update) return setProblems(update.problems)
    try {
      if (!faultsFrom) throw new Error('no service with an admin API is running')
      await api(`/api/svc/${faultsFrom}/admin/faults`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(update.body),
      })
      setProblems([])
      admin.refresh()
    } catch (error) {
      setProblems([(error as Error).message])
    }
  }
  const clear = async () => {
    await api(`/api/svc/${faultsFrom ?? 'coffee'}/admin/faults?target=${encodeURIComponent(form.target)}`, {
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
            <p class="muted">
              State as in the metric bakery_circuit_breaker_state: 0 closed, 1 open, 2 half-open, 3 isolated.
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Breaker</th>
                  <th scope="col">State</th>
                  <th scope="col" class="num">
                    Metric
                  </th>
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
                  <tr key={b.key} data-testid={`breaker-${b.key}`}>
                    <td>{b.serviceLabel}</td>
                    <td>{b.name}</td>
                    <td>
                      <span class={`badge breaker-${b.state}`} title={describeBreakerState(b.state)}>
                        {b.state}
                      </span>
                    </td>
                    <td class="num">{BREAKER_STATE_VALUE[b.state] ?? '?'}</td>
                    <td>{new Date(b.since).toLocaleTimeString()}</td>
                    <td class="num">{b.failures}</td>
                    <td class="num">{b.rejected}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {admin.breakers.length === 0 && <p class="muted">No breaker has been used yet.</p>}
            {admin.unreachable.length > 0 && (
              <p class="muted">Not answering (not running here?): {admin.unreachable.join(', ')}</p>
            )}
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
