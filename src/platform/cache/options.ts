// Options of a Redis connection (its own file: the adapter and the port both need it).
import type { Logger } from '../log/index.ts'

export interface RedisOptions {
  log: Logger
  /** Client name shown by CLIENT LIST (default `bakery:<pid>`). */
  clientName?: string | undefined
}
