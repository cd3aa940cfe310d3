// Shared infrastructure of one process, opened lazily and once: every service in the process gets
// the same database pool (or the one embedded PGlite), and all are closed after the services stop.
import type { Config } from './config/index.ts'
import { type Database, openDatabase } from './db/index.ts'
import type { Logger } from './log/index.ts'
import { openQueue, type Queue } from './queue/index.ts'

export interface Infra {
  readonly config: Config
  database(): Promise<Database>
  /** The message queue (RabbitMQ, or the in-process queue shared by every service of the process). */
  queue(): Promise<Queue>
  close(): Promise<void>
}

export function createInfra(config: Config, log: Logger): Infra {
  const closers: (() => Promise<void>)[] = []
  function once<T extends { close(): Promise<void> }>(open: () => Promise<T>): () => Promise<T> {
    let opened: Promise<T> | undefined
    return () => {
      if (!opened) {
        opened = open()
        closers.push(async () => (await opened)?.close())
      }
      return opened
    }
  }
  return {
    config,
    database: once(() =>
      openDatabase(config.databaseUrl, {
        poolSize: config.databasePoolSize,
        log: log.child({ adapter: 'database' }),
      }),
    ),
    queue: once(() => openQueue(config.amqpUrl, { log: log.child({ adapter: 'queue' }) })),
    async close() {
      for (const close of closers.reverse()) {
        await close().catch((error: unknown) => log.warn({ err: error }, 'closing an adapter failed'))
      }
    },
  }
}
