// `bakery load`: the load generator on the command line. Progress goes to stderr (a bar on a
// terminal, a plain line every few seconds otherwise), the summary (or --json) to stdout.
import { parseArgs } from 'node:util'
import type { Config } from '../config.ts'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { LoadOptions } from './options.ts'
import { probeOrderProgress, watchOrderProgress } from './progress-watch.ts'
import { formatProgress, formatSummary } from './report.ts'
import { type LoadProgress, startLoad } from './run.ts'
import { parseDuration } from './schedule.ts'
import { isTargetName, type TargetName } from './target.ts'

export const LOAD_HELP = `Usage: bakery load [options]

Sends orders (or, with --target, coffee orders, album page reads or stream events) and reports
accepted/s, accept latency percentiles and errors by code; orders are followed until finished and
coffee orders until ready (or declined), albums are read by walking the catalogue page by page
(pages/s, albums/s), events are counted (events/s).

  --target T            orders (default) | coffee | albums | events
  --url URL             API base URL; default http://127.0.0.1:<the target's port from config>
  --rate N              open loop: N requests per second whatever the replies do
  --vus N               closed loop: N virtual users, one request at a time each (default 16)
  --duration D          measured window (default 30s); D like 500ms, 30s, 15m, 1h
  --warmup D            load before the window, not measured (default 0)
  --ramp D              grow from 0 to the rate / users over D (default 0)
  --think D             closed loop: pause after each reply, as k6's sleep (default 0)
  --connections N       keep-alive connections (default: vus, or 64 in open loop)
  --batch N             albums: page size (100); events: events per POST (10)
  --no-track            orders, coffee: do not follow accepted orders to their final status
  --drain-timeout D     how long to wait for accepted orders to finish (default 60s)
  --poll-concurrency N  parallel GETs while following orders (default 32)
  --timeout D           per-request timeout (default 15s)
  --stall D             orders: how long orders may stay pending with none baking or
                        finishing before the run stops and says why (default 5s; 0 = no check)
  --progress P          auto (default) | bar | lines | off
  --json                print the summary as one JSON object

Orders: a probe order must leave \`pending\` before the load starts; if orders stall during it,
the run stops and names the queue nobody consumes.

Exit code 0 when something was accepted and no followed order was lost or wrong; 1 otherwise
(also when orders do not progress).
Ctrl-C once ends the load and still follows orders; twice ends everything.`

const PORT_OF = {
  orders: 'receptionPort',
  coffee: 'coffeePort',
  albums: 'albumStorePort',
  events: 'eventApiPort',
} as const satisfies Record<TargetName, keyof Config>

export interface LoadIo {
  readonly out: NodeJS.WritableStream
  readonly err: NodeJS.WritableStream & { isTTY?: boolean }
}

function usage(message: string): never {
  throw new BakeryError(ErrorCode.LOAD_OPTIONS_INVALID, message)
}

function count(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || text.trim() === '') usage(`--${name} must be a number, got "${text}"`)
  return value
}

function duration(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  try {
    return parseDuration(text)
  } catch (error) {
    usage(`--${name}: ${(error as Error).message}`)
  }
}

/** Turns `bakery load` arguments into run options (exported for tests). */
export function parseLoadArgs(argv: string[], config: Pick<Config, (typeof PORT_OF)[TargetName]>) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowNegative: true,
    options: {
      target: { type: 'string', default: 'orders' },
      url: { type: 'string' },
      rate: { type: 'string' },
      vus: { type: 'string' },
      duration: { type: 'string', default: '30s' },
      warmup: { type: 'string' },
      ramp: { type: 'string' },
      think: { type: 'string' },
      connections: { type: 'string' },
      batch: { type: 'string' },
      track: { type: 'boolean', default: true },
      'drain-timeout': { type: 'string' },
      'poll-concurrency': { type: 'string' },
      timeout: { type: 'string' },
      stall: { type: 'string', default: '5s' },
      progress: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const target = values.target
  if (!isTargetName(target)) usage(`--target must be orders, coffee, albums or events, got "${target}"`)
  if (values.rate !== undefined && values.vus !== undefined)
    usage('give --rate (open loop) or --vus (closed loop), not both')
  if (!['auto', 'bar', 'lines', 'off'].includes(values.progress))
    usage(`--progress must be auto, bar, lines or off`)
  const options: LoadOptions = {
    url: values.url ?? `http://127.0.0.1:${config[PORT_OF[target]]}`,
    target,
    mode: values.rate !== undefined ? 'open' : 'closed',
    durationMs: duration('duration', values.duration) ?? 30_000,
    track: values.track,
    ...defined('rate', count('rate', values.rate)),
    ...defined('vus', count('vus', values.vus)),
    ...defined('warmupMs', duration('warmup', values.warmup)),
    ...defined('rampMs', duration('ramp', values.ramp)),
    ...defined('thinkMs', duration('think', values.think)),
    ...defined('connections', count('connections', values.connections)),
    ...defined('batch', count('batch', values.batch)),
    ...defined('drainTimeoutMs', duration('drain-timeout', values['drain-timeout'])),
    ...defined('pollConcurrency', count('poll-concurrency', values['poll-concurrency'])),
    ...defined('timeoutMs', duration('timeout', values.timeout)),
  }
  return {
    options,
    stallMs: duration('stall', values.stall) ?? 5_000,
    json: values.json,
    help: values.help,
    progress: values.progress as 'auto' | 'bar' | 'lines' | 'off',
  }
}

function defined<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number }
}

/** Runs `bakery load`; resolves with the exit code. */
export async function runLoadCommand(argv: string[], config: Config, io: LoadIo): Promise<number> {
  let parsed: ReturnType<typeof parseLoadArgs>
  try {
    parsed = parseLoadArgs(argv, config)
  } catch (error) {
    io.err.write(`bakery load: ${(error as Error).message}\n`)
    return 2
  }
  if (parsed.help) {
    io.out.write(`${LOAD_HELP}\n`)
    return 0
  }
  const watch =
    parsed.options.target === 'orders' && parsed.stallMs > 0
      ? { url: parsed.options.url, queue: config.ordersQueue, stallMs: parsed.stallMs }
      : undefined
  if (watch) {
    const stalled = await probeOrderProgress(watch).catch(() => undefined)
    if (stalled) {
      io.err.write(`bakery load: before the load, ${stalled}\n`)
      return 1
    }
  }
  let run: ReturnType<typeof startLoad>
  try {
    run = startLoad(parsed.options)
  } catch (error) {
    io.err.write(`bakery load: ${(error as Error).message}\n`)
    return 2
  }
  const style = parsed.progress === 'auto' ? (io.err.isTTY ? 'bar' : 'lines') : parsed.progress
  let lastLine = 0
  const show = (p: LoadProgress) => {
    if (style === 'bar') io.err.write(`\r\x1b[2K${formatProgress(p)}`)
    else if (style === 'lines' && (p.elapsedMs - lastLine >= 5000 || p.phase === 'done')) {
      lastLine = p.elapsedMs
      io.err.write(`${formatProgress(p)}\n`)
    }
  }
  run.on('progress', show)
  let interrupts = 0
  const onSignal = () => {
    interrupts++
    if (interrupts === 1) run.stop()
    else run.abort()
  }
  process.on('SIGINT', onSignal)
  const watching = new AbortController()
  let stalled: string | undefined
  if (watch)
    void watchOrderProgress({ ...watch, signal: watching.signal }, (message) => {
      stalled = message
      run.abort()
    })
  try {
    const summary = await run.done
    if (style === 'bar') io.err.write('\n')
    io.out.write(`${parsed.json ? JSON.stringify(summary) : formatSummary(summary)}\n`)
    if (stalled) io.err.write(`bakery load: stopped: ${stalled}\n`)
    return summary.ok && !stalled ? 0 : 1
  } finally {
    watching.abort()
    process.off('SIGINT', onSignal)
  }
}
