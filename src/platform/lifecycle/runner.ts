// Starts services, and on SIGTERM/SIGINT stops them within a deadline: stop taking work, finish
// in-flight work, close connections, flush telemetry, exit 0. A second signal exits at once.
import type { Logger } from '../log/index.ts'
import { type Service, withTimeout } from './service.ts'

export interface RunOptions {
  log: Logger
  shutdownTimeoutMs: number
  /** Runs after every service stopped: close shared adapters, flush telemetry. */
  afterStop?: () => Promise<void>
  exit?: (code: number) => void
}

export interface Running {
  stop(reason: string): Promise<number>
}

export async function runServices(services: readonly Service[], options: RunOptions): Promise<Running> {
  const { log } = options
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const started: Service[] = []
  let stopping: Promise<number> | undefined

  async function stop(reason: string): Promise<number> {
    if (stopping) return stopping
    stopping = (async () => {
      log.info({ reason, services: started.map((s) => s.name) }, 'stopping services')
      let code = 0
      try {
        // Stop in reverse start order so producers stop before what they depend on.
        await withTimeout(
          (async () => {
            for (const service of [...started].reverse()) {
              await service.stop().catch((error: unknown) => {
                code = 1
                log.error({ err: error, name: service.name }, 'service failed to stop cleanly')
              })
            }
          })(),
          options.shutdownTimeoutMs,
          `services did not stop within ${options.shutdownTimeoutMs} ms`,
        )
      } catch (error) {
        code = 1
        log.error({ err: error }, 'shutdown deadline passed')
      }
      await options.afterStop?.().catch((error: unknown) => log.error({ err: error }, 'cleanup failed'))
      log.info({ code }, 'stopped')
      return code
    })()
    return stopping
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal, exiting now')
      exit(1)
      return
    }
    void stop(signal).then(exit)
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)

  try {
    // Start together: the embedded database takes seconds to boot and other services overlap it.
    await Promise.all(
      services.map(async (service) => {
        await service.start()
        started.push(service)
      }),
    )
  } catch (error) {
    log.fatal({ err: error }, 'start-up failed')
    await stop('start-up failed')
    throw error
  }
  log.info({ services: services.map((s) => s.name) }, 'all services started')
  return { stop }
}
