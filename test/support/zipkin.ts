// A real Zipkin server (the exec jar that scripts/provision.d/zipkin.sh caches from Maven
// Central) on a free loopback port, in-memory storage, stopped when the test ends.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import type { TestContext } from 'node:test'
import { repoRoot } from './deploy.ts'
import { freePort, provision, stopProcess, waitFor } from './processes.ts'

const script = readFileSync(`${repoRoot}scripts/provision.d/zipkin.sh`, 'utf8')
const version = /^version=(\S+)/m.exec(script)?.[1]
const jar = `${process.env.BAKERY_CACHE ?? `${homedir()}/.cache/bakery`}/zipkin/zipkin-server-${version}-exec.jar`

export interface ZipkinSpan {
  traceId: string
  id: string
  parentId?: string
  name: string
  kind?: string
  localEndpoint?: { serviceName?: string }
  tags?: Record<string, string>
}

export interface Zipkin {
  /** e.g. http://127.0.0.1:41234 */
  url: string
  /** The span endpoint the OTel Zipkin exporter posts to. */
  spansEndpoint: string
  traces(serviceName: string): Promise<ZipkinSpan[][]>
  trace(traceId: string): Promise<ZipkinSpan[]>
  /** Traces with a span matching Zipkin's annotationQuery, e.g. `bakery.order_key=abc`. */
  search(annotationQuery: string): Promise<ZipkinSpan[][]>
}

export async function startZipkin(t: TestContext): Promise<Zipkin> {
  if (!existsSync(jar)) provision('zipkin')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let log = ''
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:TieredStopAtLevel=1',
      '-jar',
      jar,
      `--armeria.ports[0].port=${port}`,
      '--armeria.ports[0].ip=127.0.0.1',
      '--armeria.ports[0].protocols[0]=http',
      '--logging.level.root=WARN',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  t.after(() => stopProcess(child))
  await waitFor('zipkin /health', 90_000, async () => {
    if (child.exitCode !== null) throw new Error(`zipkin exited: ${log}`)
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok ? true : undefined
  })
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) })
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`)
    return (await response.json()) as T
  }
  return {
    url,
    spansEndpoint: `${url}/api/v2/spans`,
    traces: (serviceName) => get(`/api/v2/traces?serviceName=${encodeURIComponent(serviceName)}&limit=100`),
    trace: (traceId) => get(`/api/v2/trace/${traceId}`),
    search: (annotationQuery) =>
      get(`/api/v2/traces?annotationQuery=${encodeURIComponent(annotationQuery)}&limit=10&lookback=3600000`),
  }
}
