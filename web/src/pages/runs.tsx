import { useState } from 'preact/hooks'
import { api } from '../api.ts'
import { usePoll } from '../hooks.ts'
import { formatClock } from '../lib/format.ts'
import type { RunInfo } from '../lib/types.ts'

interface StoreStats {
  location: string
  run: number | null
  budgetBytes: number
  fileBytes: number
  cut: Record<string, number>
  writes: Record<string, number | string | null>
  /** Older servers do not sample. */
  sampled?: { spansSampledOut: number; share: number }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

export function RunsPage() {
  const [reload, setReload] = useState(0)
  const runs = usePoll<{ runs: RunInfo[] }>(`/api/telemetry/runs?r=${reload}`, 5000)
  const stats = usePoll<StoreStats>(`/api/telemetry?r=${reload}`, 5000)
  const [message, setMessage] = useState<string>()
  const upload = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement
    const file = input.files?.[0]
    if (!file) return
    setMessage(`importing ${file.name}…`)
    try {
      const body = await api<{ run: RunInfo }>('/api/telemetry/runs', {
        method: 'POST',
        headers: { 'content-type': 'application/gzip', 'x-file-name': file.name },
        body: file,
      })
      setMessage(`imported ${file.name} as run ${body.run.id}`)
      setReload((n) => n + 1)
    } catch (error) {
      setMessage(`import failed: ${(error as Error).message}`)
    }
    input.value = ''
  }
  const s = stats.data
  return (
    <>
      <h1>Runs</h1>
      <p class="muted">
        Every start of Bakery is a run; imported files are runs too. Download one as OTLP JSON (gzip) to share
        it; upload such a file to open it here.
      </p>
      {(runs.error ?? stats.error) && (
        <p class="error" role="alert">
          {runs.error ?? stats.error}
        </p>
      )}
      {s && (
        <p class="card small" data-testid="store-stats">
          Store <code>{s.location}</code> · {mib(s.fileBytes)} of {mib(s.budgetBytes)} · cut:{' '}
          {Object.entries(s.cut)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}{' '}
          · dropped writes: {Number(s.writes.spansDropped) + Number(s.writes.logsDropped)}
          {s.sampled && ` · ok spans sampled out under load: ${s.sampled.spansSampledOut}`}
        </p>
      )}
      <section class="card">
        <label>
          Upload a run{' '}
          <input type="file" accept=".gz,application/gzip" onChange={upload} data-testid="run-upload" />
        </label>
        {message && (
          <p role="status" data-testid="upload-status">
            {message}
          </p>
        )}
      </section>
      <section class="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <table data-testid="runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Source</th>
              <th scope="col">Started</th>
              <th scope="col">Spans</th>
              <th scope="col">Logs</th>
              <th scope="col">Metric snapshots</th>
              <th scope="col">Open</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.runs.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.id}
                  {r.id === s?.run && <span class="badge">this run</span>}
                </td>
                <td>
                  {r.source} <span class="muted small">{r.label}</span>
                </td>
                <td>
                  {new Date(r.startedMs).toLocaleDateString()} {formatClock(r.startedMs)}
                </td>
                <td>{r.spans}</td>
                <td>{r.logs}</td>
                <td>{r.snapshots}</td>
                <td>
                  <a href={`#/traces?run=${r.id}`}>traces</a> · <a href={`#/logs?run=${r.id}`}>logs</a> ·{' '}
                  <a href={`/api/telemetry/runs/${r.id}/export`} download>
                    download
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}
