import { usePoll, useUrlForm } from '../hooks.ts'
import type { LogLine } from '../lib/types.ts'
import { LogTable } from './log-table.tsx'

const FIELDS = ['q', 'level', 'service', 'orderKey', 'run'] as const
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

export function LogsPage({ query }: { query: URLSearchParams }) {
  const { form, set, params, submit: search } = useUrlForm('/logs', query, FIELDS)
  const result = usePoll<{ logs: LogLine[]; services: string[] }>(`/api/logs?${params}`, 3000)
  return (
    <>
      <h1>Logs</h1>
      <p class="muted">
        Every service's log lines, kept in the telemetry store across restarts (see <a href="#/runs">Runs</a>
        ).
      </p>
      <form class="card search" onSubmit={search} aria-label="Search logs">
        <label>
          Text
          <input name="q" type="text" placeholder="order accepted" value={form.q} onInput={set('q')} />
        </label>
        <label>
          Level (and above)
          <select name="level" value={form.level} onChange={set('level')}>
            <option value="">any</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Service
          <input
            name="service"
            type="text"
            list="log-services"
            value={form.service}
            onInput={set('service')}
          />
        </label>
        <datalist id="log-services">
          {result.data?.services.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <label>
          Order key
          <input name="orderKey" type="text" value={form.orderKey} onInput={set('orderKey')} />
        </label>
        <label>
          Run
          <input
            name="run"
            type="text"
            inputMode="numeric"
            pattern="[0-9]*"
            value={form.run}
            onInput={set('run')}
          />
        </label>
        <button type="submit">Search</button>
      </form>
      {result.error && (
        <p class="error" role="alert">
          {result.error}
        </p>
      )}
      <section class="card" aria-labelledby="logs-title">
        <h2 id="logs-title">
          {result.data ? `${result.data.logs.length} lines` : 'Lines'}
          <span class="muted small"> · newest first, refreshed every 3 s</span>
        </h2>
        {result.data && <LogTable logs={result.data.logs} />}
      </section>
    </>
  )
}
