// The small stack `bakery fault verify` drives: payments, the album store and proxy, the bakery
// reception, baker and the order journey hops, the event API and consumer-low, in this process on free loopback ports,
// wired as `bakery start` wires them, with spans kept in memory for the checks to read. Adapters
// come from the environment, so the same checks run embedded or on the real servers.

import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { type Config, loadConfig } from '../../config.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { attachFaultControl } from '../../platform/fault-control.ts'
import type { HttpService } from '../../platform/http/index.ts'
import { createInfra, type Infra } from '../../platform/infra.ts'
import type { Service } from '../../platform/lifecycle/index.ts'
import { createLogging } from '../../platform/log/index.ts'
import { createTelemetry, type Telemetry } from '../../platform/telemetry/index.ts'
import { findService } from '../../services.ts'

export const STACK_SERVICES = [
  'payments',
  'album-store',
  'album-proxy',
  'reception',
  'enrichment',
  'baker',
  'response-builder',
  'event-api',
  'consumer-low',
] as const
export type StackService = (typeof STACK_SERVICES)[number]

export interface VerifyStack {
  config: Config
  infra: Infra
  telemetry: Telemetry
  token: string
  url(service: StackService): string
  /** Spans finished since `since` (epoch ms), of one service. */
  spans(service: string, since: number): ReadableSpan[]
  metrics(service: StackService): Promise<string>
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function startVerifyStack(env: Record<string, string | undefined>): Promise<VerifyStack> {
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const storePort = await freePort()
  const token = randomUUID()
  const config = loadConfig({
    ...env,
    HOST: '127.0.0.1',
    LOG_LEVEL: env.LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    BAKERY_ADMIN_TOKEN: token,
    BAKERY_FAULTS: '',
    BAKE_TIME_SCALE: '0',
    BAKER_MISTAKE_RATE: '0',
    BAKERY_ORDER_JOURNEY: 'true',
    BAKERY_TRACKING_PREFIX: `verify:${id}:`,
    BAKERY_OUTBOX_POLL_MS: '200',
    BAKERY_MAX_EVENT_LOOP_DELAY_MS: '0',
    BAKERY_ALBUM_MAX_EVENT_LOOP_DELAY_MS: '0',
    BAKERY_ORDERS_QUEUE: `verify.orders-${id}`,
    BAKERY_ORDERS_SCHEMA: `v_bakery_${id}`,
    BAKERY_STREAM_SCHEMA: `v_stream_${id}`,
    KAFKA_TOPIC: `verify-events-${id}`,
    BAKERY_STREAM_GROUP_PREFIX: `verify-${id}`,
    BAKERY_STREAM_FLUSH_MS: '50',
    // An open breaker is the resilience layer at work, not the fault: short, so recovery is the fault's.
    BAKERY_ALBUM_PROXY_BREAKER_HALF_OPEN_MS: '500',
    ALBUM_STORE_URL: `http://127.0.0.1:${storePort}`,
  })
  const logging = createLogging({ level: config.logLevel, format: 'json' })
  const exporter = new InMemorySpanExporter()
  const telemetry = createTelemetry(config, { spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const infra = createInfra(config, logging.root)
  const built = new Map<string, Service>()
  const started: Service[] = []
  try {
    for (const name of STACK_SERVICES) {
      const definition = findService(name)
      if (!definition) throw new BakeryError(ErrorCode.SERVICE_UNKNOWN, `no service ${name}`)
      const deps = {
        config,
        log: logging.forService(name),
        telemetry: telemetry.forService(name),
        rootTelemetry: telemetry,
        infra: infra.forService(name),
        port: name === 'album-store' ? storePort : 0,
      }
      const service = (await definition.load())(deps)
      attachFaultControl(service, deps)
      built.set(name, service)
    }
    for (const service of built.values()) {
      await service.start()
      started.push(service)
    }
  } catch (error) {
    for (const service of started.reverse()) await service.stop().catch(() => undefined)
    await infra.close().catch(() => undefined)
    throw error
  }
  return {
    config,
    infra,
    telemetry,
    token,
    url: (service) => (built.get(service) as HttpService).url(),
    spans: (service, since) =>
      exporter
        .getFinishedSpans()
        .filter(
          (s) =>
            s.resource.attributes['service.name'] === service &&
            s.startTime[0] * 1000 + s.startTime[1] / 1e6 >= since,
        ),
    metrics: (service) => telemetry.forService(service).metricsText(),
    async stop() {
      for (const service of started.reverse()) await service.stop().catch(() => undefined)
      await infra.close().catch(() => undefined)
      await telemetry.shutdown().catch(() => undefined)
    },
  }
}
