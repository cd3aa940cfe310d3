// Redis adapter of the tracking store. Layout under the prefix P:
//   P r:<key>     hash: the record's fields (per-hop start/end/worker/beats), TTL
//   P done:<key>  string: the completion marker; its `set` keyspace event wakes waiters, TTL
//   P active      sorted set: in-flight keys scored by their last activity (epoch ms)
//   P n:<name>    set: tallies (e.g. the orders of one customer), TTL
// Commands go over the given connection (the process's shared one, see platform/cache: while
// Redis restarts they wait in its offline queue instead of failing at once), and at most ONE
// subscriber connection serves notifications however many wait.
import type { Redis } from 'ioredis'
import { BakeryError, ErrorCode, errorMessage } from '../../platform/errors.ts'
import type { Logger } from '../../platform/log/index.ts'
import { mergeNotifyFlags } from './notify-flags.ts'
import type {
  ActivityCounts,
  Fields,
  FinalisedListener,
  TrackingStore,
  TrackingStoreOptions,
} from './port.ts'

/** K = keyspace channel, $ = string commands (the SET of a completion marker). */
const NEEDED_FLAGS = 'K$'

export interface RedisTrackingStoreOptions extends TrackingStoreOptions {
  log: Logger
  /** Client name of the subscriber shown by CLIENT LIST, with `-sub` appended. */
  clientName?: string | undefined
}

/** The store on `redis`, which it does not own: `close()` ends its subscriber, not the connection. */
export function createRedisTrackingStore(redis: Redis, options: RedisTrackingStoreOptions): TrackingStore {
  const { prefix, ttlMs, log } = options
  const name = options.clientName ?? `bakery-tracking:${process.pid}`
  const db = redis.options.db ?? 0
  const recordKey = (key: string) => `${prefix}r:${key}`
  const doneKey = (key: string) => `${prefix}done:${key}`
  const activeKey = `${prefix}active`
  const channelPrefix = `__keyspace@${db}__:${prefix}done:`
  const pattern = `${escapeGlob(channelPrefix)}*`

  let lastError = ''
  const quietError = (role: string) => (error: Error) => {
    // ioredis reports every failed reconnect; log each distinct failure once (the shared command
    // connection logs its own).
    if (error.message === lastError) return
    lastError = error.message
    log.warn({ err: error, role }, 'redis connection error')
  }

  async function ensureNotifications(): Promise<void> {
    let current: string
    try {
      const reply = (await redis.config('GET', 'notify-keyspace-events')) as string[]
      current = reply[1] ?? ''
    } catch (error) {
      throw notifyDenied(error)
    }
    const merged = mergeNotifyFlags(current, NEEDED_FLAGS)
    if (merged === undefined) return
    try {
      await redis.config('SET', 'notify-keyspace-events', merged)
    } catch (error) {
      throw notifyDenied(error)
    }
  }

  const listeners = new Set<FinalisedListener>()
  let subscriber: Promise<Redis> | undefined

  function openSubscriber(): Promise<Redis> {
    subscriber ??= (async () => {
      // A fresh Redis (after a restart) has lost both the flags and the subscription: restore
      // them ourselves, in that order, before telling listeners to re-check what they missed.
      const sub = redis.duplicate({
        connectionName: `${name}-sub`,
        autoResubscribe: false,
        lazyConnect: true,
      })
      sub.on('error', quietError('subscriber'))
      sub.on('pmessage', (_pattern: string, channel: string, event: string) => {
        if (event !== 'set' || !channel.startsWith(channelPrefix)) return
        const key = channel.slice(channelPrefix.length)
        for (const listener of listeners) listener.onFinalised(key)
      })
      let readyOnce = false
      sub.on('ready', () => {
        lastError = ''
        if (!readyOnce) return
        void (async () => {
          try {
            await ensureNotifications()
            await sub.psubscribe(pattern)
            log.info('tracking subscriber restored after a reconnect')
          } catch (error) {
            log.error({ err: error }, 'tracking subscriber could not be restored')
          }
          for (const listener of listeners) listener.onResync()
        })()
      })
      try {
        await sub.connect()
        await ensureNotifications()
        await sub.psubscribe(pattern)
      } catch (error) {
        sub.disconnect()
        throw error
      }
      readyOnce = true
      return sub
    })()
    subscriber.catch(() => {
      subscriber = undefined
    })
    return subscriber
  }

  // Plain commands rather than pipeline objects: the connection auto-pipelines, so the writes of
  // concurrent orders leave together. One connection runs its commands in the order sent, so a
  // completion marker sent last is still read after the fields it follows.
  function all(commands: Promise<unknown>[]): Promise<unknown[]> {
    return Promise.all(commands)
  }

  return {
    kind: 'redis',
    async record(key, fields, at) {
      const record = recordKey(key)
      await all([redis.hset(record, fields), redis.pexpire(record, ttlMs), redis.zadd(activeKey, at, key)])
    },
    async heartbeat(key, hop, at) {
      const record = recordKey(key)
      await all([
        redis.hincrby(record, `${hop}.beats`, 1),
        redis.hset(record, `${hop}.beat`, String(at)),
        redis.pexpire(record, ttlMs),
        redis.zadd(activeKey, 'XX', at, key),
      ])
    },
    async finalise(key, fields) {
      // The marker comes last, so a woken waiter always reads the final fields.
      const record = recordKey(key)
      await all([
        redis.hset(record, fields),
        redis.pexpire(record, ttlMs),
        redis.zrem(activeKey, key),
        redis.set(doneKey(key), '1', 'PX', ttlMs),
      ])
    },
    async read(key) {
      const fields = await redis.hgetall(recordKey(key))
      return Object.keys(fields).length === 0 ? undefined : (fields as Fields)
    },
    async isFinalised(key) {
      return (await redis.exists(doneKey(key))) === 1
    },
    async tally(tally, item) {
      const key = `${prefix}n:${tally}`
      const [, , size] = await all([redis.sadd(key, item), redis.pexpire(key, ttlMs), redis.scard(key)])
      return Number(size)
    },
    async activity(stalledBefore): Promise<ActivityCounts> {
      const [, inFlight, stalled] = await all([
        redis.zremrangebyscore(activeKey, '-inf', Date.now() - ttlMs),
        redis.zcard(activeKey),
        redis.zcount(activeKey, '-inf', `(${stalledBefore}`),
      ])
      return { inFlight: Number(inFlight), stalled: Number(stalled) }
    },
    async watch(listener) {
      listeners.add(listener)
      try {
        await openSubscriber()
      } catch (error) {
        listeners.delete(listener)
        throw error
      }
      return () => listeners.delete(listener)
    },
    async ping() {
      // Readiness must answer now: a PING would wait in the offline queue while Redis is away.
      if (redis.status !== 'ready') {
        throw new BakeryError(ErrorCode.DEPENDENCY_FAILED, `redis is ${redis.status}`, { retryable: true })
      }
      await redis.ping()
    },
    async close() {
      listeners.clear()
      const sub = await subscriber?.catch(() => undefined)
      sub?.disconnect()
    },
  }
}

function notifyDenied(error: unknown): BakeryError {
  return new BakeryError(
    ErrorCode.TRACKING_NOTIFY_DENIED,
    `Redis refused to read or set notify-keyspace-events (${errorMessage(error)}); ` +
      'set "notify-keyspace-events K$" (or add K and $ to it) in redis.conf, or allow CONFIG',
    { cause: error },
  )
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
