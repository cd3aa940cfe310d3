// A real Prometheus (Debian package, scripts/provision.d/prometheus.sh) on a free loopback port,
// scraping the given targets every second, with its data removed after the test.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { stringify } from 'yaml'
import { freePort, provision, stopProcess, waitFor } from './processes.ts'

function which(binary: string): string | undefined {
  const result = spawnSync('bash', ['-c', `command -v ${binary}`], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : undefined
}

/** `prometheus` or `promtool`, installed by scripts/provision.d/prometheus.sh when missing. */
export function prometheusBinary(name: 'prometheus' | 'promtool' = 'prometheus'): string {
  if (!which(name)) provision('prometheus')
  const binary = which(name)
  assert.ok(binary, `${name} is installed by scripts/provision.d/prometheus.sh`)
  return binary
}

export interface RunningPrometheus {
  base: string
  /** Every series name Prometheus has stored. */
  seriesNames(): Promise<Set<string>>
  /** Jobs whose target is up. */
  upJobs(): Promise<Set<string>>
}

/** Prometheus scraping `targets` (job name → URL); `flags` go on its command line. */
export async function startPrometheus(
  t: TestContext,
  targets: Record<string, string>,
  flags: string[] = [],
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-prometheus-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms' },
    scrape_configs: Object.entries(targets).map(([name, url]) => ({
      job_name: name,
      static_configs: [{ targets: [new URL(url).host] }],
    })),
  }
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(
    prometheusBinary(),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...flags,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  server.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  })
  t.after(() => stopProcess(server))
  await waitFor(`prometheus ready (${log})`, 30_000, async () =>
    (await fetch(`${base}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined,
  )
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) })
    const body = (await response.json()) as { status: string; data: T }
    assert.equal(body.status, 'success', path)
    return body.data
  }
  return {
    base,
    seriesNames: async () => new Set(await get<string[]>('/api/v1/label/__name__/values')),
    async upJobs() {
      const up = await get<{ result: { metric: { job: string } }[] }>(
        `/api/v1/query?query=${encodeURIComponent('up == 1')}`,
      )
      return new Set(up.result.map((v) => v.metric.job))
    },
  }
}
