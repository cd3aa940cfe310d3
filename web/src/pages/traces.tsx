import { useState } from 'preact/hooks'
import { usePoll } from '../hooks.ts'
import { formatClock, formatDuration, shortId } from '../lib/format.ts'
import type { Info, TraceSummary } from '../lib/types.ts'

const FIELDS = ['service', 'name', 'attribute', 'minDurationMs'] as const

export function TracesPage({ query, info }: { query: URLSearchParams; info: Info | undefined }) {
  const [form, setForm] = useState(() => Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? ''])))
  const [errorsOnly, setErrorsOnly] = useState(query.get('error') === 'true')
  const params = new URLSearchParams()
  for (const f of FIELDS) if (query.get(f)) params.set(f, query.get(f) ?? '')
  if (query.get('error') === 'true') params.set('error', 'true')
  // A run of the telemetry store, opened from the Runs page.
  if (query.get('run')) params.set('run', query.get('run') ?? '')
  const embedded = info?.traces.embedded !== false
  const result = usePoll<{ traces: TraceSummary[] }>(embedded ? `/api/traces?${params}` : undefined, 3000)
  const suggestions = usePoll<{ services: string[]; names: string[] }>(
    embedded ? '/api/traces/names' : undefined,
    10_000,
  )
  const search = (event: Event) => {
    event.preventDefault()
    const next = new URLSearchParams()
    for (const f of FIELDS) if (form[f]) next.set(f, form[f] ?? '')
    if (errorsOnly) next.set('error', 'true')
    location.hash = `#/traces?${next}`
  }
  const field = (
    name: (typeof FIELDS)[number],
    label: string,
    placeholder: string,
    numeric = false,
    list: string | undefined = undefined,
  ) => (
    <label>
      {label}
      <input
        name={name}
        type="text"
        list={list}
        inputMode={numeric ? 'numeric' : undefined}
        pattern={numeric ? '[0-9]*' : undefined}
        placeholder={placeholder}
        value={form[name]}
        onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
      />
    </label>
  )
  return (
    <>
      <h1>Traces</h1>
      {!embedded && (
        <p class="card">
          Traces go to an external backend.{' '}
          {info?.traces.externalUrl && (
            <a href={info.traces.externalUrl.replace('{traceId}', '')} target="_blank" rel="noreferrer">
              Open the trace UI
            </a>
          )}
        </p>
      )}
      <form class="card search" onSubmit={search} aria-label="Search traces">
        {field('service', 'Service', 'reception', false, 'trace-services')}
        {field('name', 'Span name', 'receive-order', false, 'trace-names')}
        <datalist id="trace-services">
          {suggestions.data?.services.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <datalist id="trace-names">
          {suggestions.data?.names.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        {field('attribute', 'Attribute', 'bakery.order_key=…')}
        {field('minDurationMs', 'Min duration (ms)', '0', true)}
        <label class="check">
          <input
            type="checkbox"
            checked={errorsOnly}
            onChange={(e) => setErrorsOnly(e.currentTarget.checked)}
          />
          Errors only
        </label>
        <button type="submit">Search</button>
      </form>
      {result.error && (
        <p class="error" role="alert">
          {result.error}
        </p>
      )}
      <section class="card" aria-labelledby="results-title">
        <h2 id="results-title">
          {result.data ? `${result.data.traces.length} traces` : 'Traces'}
          <span class="muted small"> · newest first, refreshed every 3 s</span>
        </h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Root span</th>
              <th scope="col">Services</th>
              <th scope="col">Spans</th>
              <th scope="col">Duration</th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            {result.data?.traces.map((t) => (
              <tr key={t.traceId} class={t.error ? 'err' : undefined}>
                <td>{formatClock(t.startTimeMs)}</td>
                <td>
                  <a href={`#/traces/${t.traceId}`}>{t.rootName || '(no root)'}</a>
                  {t.error && <span class="badge err">error</span>}
                </td>
                <td>{t.services.join(', ')}</td>
                <td>{t.spanCount}</td>
                <td>{formatDuration(t.durationMs)}</td>
                <td>
                  <code>{shortId(t.traceId)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}
