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
import { type FaultFormState, faultBody } from '../lib/faults.ts'
import type { Info } from '../lib/types.ts'

interface Fault {
  id: string
  target: string
  service: string
  seam: string
  type: string
  params: Record<string, number>
  rate: number
  match: Record<string, string>
  active: boolean
  nextChange?: string
  by: string
}

interface VerifyRow {
  type: string
  target: string
  signature: string
  seenIn: string
  ok: boolean
  detail: string
}

interface FaultOverview {
  processes: { services: string[]; faults: Fault[] }[]
  catalogue: {
    services: Record<string, { kind: string; seams: string[] }>
    types: Record<string, Record<string, Record<string, { default: number; doc: string }>>>
    matchKeys: string[]
  }
  lastVerify: { at: string; results: VerifyRow[] } | null
}

const TOKEN = 'admin-token'

interface AdminState {
  breakers: BreakerRow[]
  faults: FaultOverview | undefined
  /** Services whose admin API did not answer (not running, or unreachable). */
  unreachable: string[]
  error?: string
}

/** Polls GET /admin/breakers of every service that owns breakers, and every process's faults. */
function useAdmin(token: string, services: readonly BreakerService[]) {
  const [state, setState] = useState<AdminState>({ breakers: [], faults: undefined, unreachable: [] })
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
        api<FaultOverview>('/api/faults', { headers }),
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
            faults: faults.status === 'fulfilled' ? faults.value : undefined,
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
  }, [token, key, tick])
  return { ...state, refresh: () => setTick((n) => n + 1) }
}

/**
 * Circuit breakers of every service that has them (coffee reception, bakery reception, album
 * proxy) and fault injection, through their admin APIs (bearer token).
 */
export function DrillsPage({ info }: { info: Info | undefined }) {
  const services = BREAKER_SERVICES.map((s) => s.upstream).filter((s) => info?.panels[s] === true)
  const [draft, setDraft] = useState(() => sessionStorage.getItem(TOKEN) ?? '')
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN) ?? '')
  const [form, setForm] = useState<FaultFormState>({
    target: 'payments',
    type: 'error',
    fields: '',
    ratePercent: '100',
    matchKey: '',
    matchValue: '',
    startAfterS: '',
    durationS: '',
    down: false,
  })
  const [problems, setProblems] = useState<string[]>([])
  const admin = useAdmin(token, services)
  const catalogue = admin.faults?.catalogue
  const targets = catalogue
    ? Object.entries(catalogue.services).flatMap(([name, s]) => [
        name,
        ...s.seams.map((seam) => `${name}.${seam}`),
      ])
    : []
  const [service = '', seam] = form.target.split('.')
  const seams = seam ? [seam] : (catalogue?.services[service]?.seams ?? [])
  const types = [...new Set(seams.flatMap((s) => Object.keys(catalogue?.types[s] ?? {})))]
  const faults = admin.faults?.processes.flatMap((p) => p.faults) ?? []
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  const apply = async (event: Event) => {
    event.preventDefault()
    const update = faultBody(form)
    if ('problems' in update) return setProblems(update.problems)
    try {
      // The dashboard forwards it to the process that runs the target's service.
      await api('/api/faults', {
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
    await api(`/api/faults?target=${encodeURIComponent(form.target)}`, {
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
                  {targets.map((t) => (
                    <option key={t} value={t} />
                  ))}
                </datalist>
              </label>
              <label>
                Type
                <select
                  name="faultType"
                  value={form.type}
                  onChange={(e) => setForm({ ...form, type: e.currentTarget.value })}
                >
                  {(types.length > 0 ? types : [form.type]).map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Fields
                <input
                  name="fields"
                  value={form.fields}
                  placeholder="ms=200, status=503"
                  onInput={(e) => setForm({ ...form, fields: e.currentTarget.value })}
                />
              </label>
              <label>
                Rate (%)
                <input
                  name="ratePercent"
                  inputMode="numeric"
                  value={form.ratePercent}
                  onInput={(e) => setForm({ ...form, ratePercent: e.currentTarget.value })}
                />
              </label>
              <label>
                Match
                <select
                  name="matchKey"
                  value={form.matchKey}
                  onChange={(e) => setForm({ ...form, matchKey: e.currentTarget.value })}
                >
                  <option value="">every call</option>
                  {(catalogue?.matchKeys ?? []).map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
                <input
                  name="matchValue"
                  aria-label="Match value"
                  value={form.matchValue}
                  onInput={(e) => setForm({ ...form, matchValue: e.currentTarget.value })}
                />
              </label>
              <label>
                Start after (s)
                <input
                  name="startAfterS"
                  inputMode="numeric"
                  value={form.startAfterS}
                  onInput={(e) => setForm({ ...form, startAfterS: e.currentTarget.value })}
                />
              </label>
              <label>
                Duration (s)
                <input
                  name="durationS"
                  inputMode="numeric"
                  value={form.durationS}
                  onInput={(e) => setForm({ ...form, durationS: e.currentTarget.value })}
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
            <h3>Faults by service and seam</h3>
            <ul class="plain" data-testid="active-faults">
              {faults.map((f) => (
                <li key={f.id}>
                  <strong>{f.service}</strong>.{f.seam} {f.type}{' '}
                  {Object.entries(f.params)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ')}
                  {f.rate < 1 ? ` at ${Math.round(f.rate * 100)}%` : ''}
                  {Object.entries(f.match).map(([k, v]) => ` when ${k}=${v}`)}{' '}
                  <span class={`badge ${f.active ? 'breaker-open' : 'breaker-closed'}`}>
                    {f.active
                      ? 'active'
                      : `waiting${f.nextChange ? ` until ${new Date(f.nextChange).toLocaleTimeString()}` : ''}`}
                  </span>{' '}
                  <span class="muted">by {f.by}</span>
                </li>
              ))}
              {faults.length === 0 && <li class="muted">none</li>}
            </ul>
            <p class="muted">
              Processes:{' '}
              {(admin.faults?.processes ?? []).map((p) => p.services.join(', ')).join(' | ') ||
                'none reached'}
            </p>
            <h3>Last self-test</h3>
            {admin.faults?.lastVerify ? (
              <table data-testid="last-verify">
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Target</th>
                    <th scope="col">Signature</th>
                    <th scope="col">Seen in</th>
                    <th scope="col">OK</th>
                  </tr>
                </thead>
                <tbody>
                  {admin.faults.lastVerify.results.map((r) => (
                    <tr key={`${r.type}-${r.target}`}>
                      <td>{r.type}</td>
                      <td>{r.target}</td>
                      <td>{r.signature}</td>
                      <td>{r.seenIn}</td>
                      <td title={r.detail}>{r.ok ? 'ok' : 'FAIL'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="muted">No self-test yet: run bakery fault verify.</p>
            )}
          </section>
        </div>
      )}
    </>
  )
}
