import { usePoll, useUrlForm } from '../hooks.ts'
import type { Info, TraceSummary } from '../lib/types.ts'
import { TraceTable } from './trace-table.tsx'

const FIELDS = ['service', 'root', 'name', 'attribute', 'minDurationMs'] as const
// Flags the form keeps in the URL: errors only, and single-span internal traces (hidden by default).
const CHECKS = ['error', 'singleSpan'] as const

export function TracesPage({ query, info }: { query: URLSearchParams; info: Info | undefined }) {
  const { form, checks, set, toggle, params, submit: search } = useUrlForm('/traces', query, FIELDS, CHECKS)
  // A run of the telemetry store, opened from the Runs page.
  if (query.get('run')) params.set('run', query.get('run') ?? '')
  const embedded = info?.traces.embedded !== false
  const result = usePoll<{ traces: TraceSummary[] }>(embedded ? `/api/traces?${params}` : undefined, 3000)
  const suggestions = usePoll<{ services: string[]; names: string[] }>(
    embedded ? '/api/traces/names' : undefined,
    10_000,
  )
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
        onInput={set(name)}
      />
    </label>
  )
  const check = (name: (typeof CHECKS)[number], label: string) => (
    <label class="check">
      <input type="checkbox" name={name} checked={checks[name]} onChange={toggle(name)} />
      {label}
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
        {field('root', 'Root span', 'POST /orders', false, 'trace-names')}
        {field('name', 'Any span', 'receive-order', false, 'trace-names')}
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
        {check('error', 'Errors only')}
        {check('singleSpan', 'Single-span internal traces')}
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
          <span class="muted small">
            {' '}
            · newest first by start time
            {query.get('singleSpan') === 'true' ? '' : ', single-span internal traces hidden'}, refreshed
            every 3 s
          </span>
        </h2>
        {result.data && <TraceTable traces={result.data.traces} showId />}
      </section>
    </>
  )
}
