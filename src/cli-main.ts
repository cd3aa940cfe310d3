// bakery start [service...] | bakery <service> | bakery config | bakery --help
// (src/cli.ts is the entry point: it turns on the compile cache, then imports this.)
import { flushCompileCache } from 'node:module'
import { parseArgs } from 'node:util'
import type { WiredDeps } from './config.ts'
import { type Config, describeConfig, loadConfig } from './config.ts'
import { BakeryError, ErrorCode } from './platform/errors.ts'
import { attachFaultControl, mountFaultApi } from './platform/fault-control.ts'
import { createHttpService, httpEdge } from './platform/http/index.ts'
import { createInfra } from './platform/infra.ts'
import { runServices, type Service } from './platform/lifecycle/index.ts'
import { createLogging, createLogSink } from './platform/log/index.ts'
import {
  combineServiceMetrics,
  createTelemetry,
  logsExported,
  type Telemetry,
} from './platform/telemetry/index.ts'
import { logInputOf, openConfiguredStore, type TelemetryStore } from './platform/telemetry/store/index.ts'
import { findService, type ServiceDefinition, services } from './services.ts'

const HELP = `Usage: bakery <command>

Commands:
  start [service...]   start all services (or the named ones) in one process
  <service>            start one service alone (as in a container)
  config               print the effective configuration, secrets redacted
  migrate              apply every system's database migrations (DATABASE_URL)
  seed-albums --count N [--batch B]
                       append N realistic albums to the album store, B rows per INSERT
  fault list|set|clear|schedule|verify
                       break services on purpose (docs/faults.md); fault --help
  load [options]       send load to the order API (or --target coffee|albums|events); load --help
  telemetry runs|export|import
                       the telemetry store's runs; export one as OTLP JSON, import a file
  incident <command>   guided incidents: list, start, status, hint, stop, grade, export; incident --help
  mcp                  Model Context Protocol server on stdio: traces, logs, metrics, incidents
  help                 this text

Options:
  -x, --disable        stream services do nothing (same as DISABLE=true)

Services:
${services.map((s) => `  ${s.name.padEnd(18)} ${s.kind.padEnd(6)} ${s.description}`).join('\n')}

Configuration comes from environment variables; see docs/configuration.md or run \`bakery config\`.`

function write(text: string): void {
  process.stdout.write(`${text}\n`)
}

function fail(message: string, code = 2): never {
  process.stderr.write(`bakery: ${message}\n`)
  process.exit(code)
}

/** Flags that stand for env vars: the stream seed's `-x` is DISABLE=true. */
let flagEnv: Record<string, string> = {}

function readConfig(): Config {
  try {
    return loadConfig({ ...process.env, ...flagEnv })
  } catch (error) {
    if (error instanceof BakeryError && error.code === ErrorCode.CONFIG_INVALID) fail(error.message)
    throw error
  }
}

function portOf(definition: ServiceDefinition, config: Config, alone: boolean): number {
  if (alone && config.port !== undefined) {
    const port = Number(config.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT=${config.port} is not a port number`)
    return port
  }
  return Number(config[definition.kind === 'worker' ? 'workerPort' : definition.portKey])
}

/** A worker started alone still answers probes and scrapes on its own port. */
function withHealthPort(service: Service, deps: WiredDeps): Service {
  const health = createHttpService({
    name: `${service.name}-health`,
    host: deps.config.host,
    port: deps.port,
    log: deps.log,
    telemetry: deps.telemetry,
    bodyLimit: deps.config.bodyLimitBytes,
    edge: httpEdge(deps.config),
    readiness: service.readiness ?? [],
  })
  mountFaultApi(health.app, deps.infra, service.name)
  return {
    name: service.name,
    async start() {
      await service.start()
      await health.start()
    },
    async stop() {
      await health.stop()
      await service.stop()
    },
  }
}

/**
 * Workers started together have no port of their own: one endpoint on the workers' port answers
 * probes for all of them and serves all their instruments (a service_name label tells them apart).
 */
function workersPort(
  workers: { service: Service; deps: WiredDeps }[],
  telemetry: Telemetry,
  log: WiredDeps['log'],
): Service {
  const first = workers[0]?.deps as WiredDeps
  const own = telemetry.forService('workers')
  const combined = combineServiceMetrics(
    'workers',
    workers.map((w) => w.deps.telemetry),
  )
  return createHttpService({
    name: 'workers',
    host: first.config.host,
    port: Number(first.config.workerPort),
    log,
    telemetry: { ...own, ...combined },
    bodyLimit: first.config.bodyLimitBytes,
    readiness: workers.flatMap((w) => w.service.readiness ?? []),
  })
}

async function start(names: string[], alone: boolean): Promise<void> {
  const definitions =
    names.length === 0 ? services : names.map((n) => findService(n) ?? fail(`unknown service ${n}`))
  const config = readConfig()
  // The process that serves the dashboard keeps the telemetry store (spans, logs, metrics); with
  // an OTLP endpoint, log records are also exported (to the dashboard or a collector).
  const withStore = definitions.some((d) => d.name === 'dashboard')
  const sink = withStore || logsExported(config) ? createLogSink() : undefined
  const logging = createLogging({ level: config.logLevel, format: config.logFormat, sink })
  const log = logging.root
  const store = withStore ? openStore(config) : undefined
  const telemetry: Telemetry = createTelemetry(config, { singleService: definitions.length === 1, store })
  sink?.attach((record) => {
    store?.addLog(logInputOf(record))
    telemetry.exportLog(record)
  })
  const infra = createInfra(config, log)
  const built: Service[] = []
  const workers: { service: Service; deps: WiredDeps }[] = []
  for (const definition of definitions) {
    const factory = await definition.load()
    const deps: WiredDeps = {
      config,
      log: logging.forService(definition.name),
      telemetry: telemetry.forService(definition.name),
      rootTelemetry: telemetry,
      infra: infra.forService(definition.name),
      port: portOf(definition, config, alone),
    }
    const service = factory(deps)
    attachFaultControl(service, deps)
    built.push(alone && definition.kind === 'worker' ? withHealthPort(service, deps) : service)
    if (!alone && definition.kind === 'worker') workers.push({ service, deps })
  }
  if (workers.length > 0) built.push(workersPort(workers, telemetry, logging.forService('workers')))
  await runServices(built, {
    log,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    async afterStop() {
      await infra.close()
      sink?.detach()
      await telemetry.shutdown()
      log.flush()
    },
  })
  // Now, not at exit: a process stopped by SIGKILL (or a container runtime) never writes it.
  flushCompileCache()
}

function openStore(config: Config): TelemetryStore {
  try {
    return openConfiguredStore(config)
  } catch (error) {
    if (error instanceof BakeryError && error.code === ErrorCode.TELEMETRY_STORE_UNREADABLE)
      fail(error.message)
    throw error
  }
}

async function dbCommand(command: string, args: string[]): Promise<void> {
  const config = readConfig()
  const log = createLogging({ level: config.logLevel, format: config.logFormat }).root
  const { runMigrate, runSeedAlbums } = await import('./db-commands.ts')
  try {
    if (command === 'migrate') await runMigrate(config, log, write)
    else await runSeedAlbums(args, config, log, write)
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      fail(error.message)
    }
    if (error instanceof BakeryError && error.code === ErrorCode.CLI_USAGE) fail(error.message)
    throw error
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'migrate' || argv[0] === 'seed-albums') return dbCommand(argv[0], argv.slice(1))
  // `load` reads its own options, --help included (the general parse below would answer it).
  if (argv[0] === 'fault') {
    const { runFaultCommand } = await import('./fault-cli/command.ts')
    try {
      process.exitCode = await runFaultCommand(argv.slice(1), readConfig(), {
        out: process.stdout,
        err: process.stderr,
      })
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error), 1)
    }
    return
  }
  if (argv[0] === 'load') {
    const { runLoadCommand } = await import('./load/index.ts')
    process.exitCode = await runLoadCommand(argv.slice(1), readConfig(), {
      out: process.stdout,
      err: process.stderr,
    })
    return
  }
  if (argv[0] === 'telemetry') {
    const { runTelemetryCommand } = await import('./telemetry-commands.ts')
    try {
      await runTelemetryCommand(argv.slice(1), readConfig(), write)
    } catch (error) {
      if (error instanceof BakeryError) fail(error.message, error.status === 404 ? 1 : 2)
      if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
        fail(error.message)
      }
      throw error
    }
    return
  }
  if (argv[0] === 'incident') {
    const { runIncidentCommand } = await import('./incidents/command.ts')
    process.exitCode = await runIncidentCommand(argv.slice(1), readConfig(), {
      out: write,
      err: (l) => process.stderr.write(`${l}\n`),
    })
    return
  }
  if (argv[0] === 'mcp') {
    const { runMcpServer } = await import('./mcp/server.ts')
    return runMcpServer(readConfig())
  }
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      disable: { type: 'boolean', short: 'x' },
    },
  })
  if (values.disable) flagEnv = { DISABLE: 'true' }
  const [command, ...rest] = positionals
  if (values.help || command === undefined || command === 'help') return write(HELP)
  if (command === 'config') {
    const effective = describeConfig(readConfig())
    const width = Math.max(...Object.keys(effective).map((k) => k.length))
    return write(
      Object.entries(effective)
        .map(([k, v]) => `${k.padEnd(width)}  ${v}`)
        .join('\n'),
    )
  }
  // Everything in one process: light demo traffic keeps the dashboard alive unless switched off.
  if (command === 'start' && rest.length === 0 && process.env.BAKERY_DEMO_TRAFFIC === undefined) {
    flagEnv = { ...flagEnv, BAKERY_DEMO_TRAFFIC: 'true' }
  }
  if (command === 'start') return start(rest, false)
  if (findService(command)) return start([command], true)
  fail(`unknown command or service "${command}"; see bakery --help`)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bakery: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
