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

  // Each write is one script call: one command for ioredis to encode and Redis to parse instead
  // of three or four (the tracking writes were a sixth of a journey process's CPU). The connection
  // auto-pipelines, so the writes of concurrent orders still leave together, and one connection
  // runs its commands in the order sent, so a completion marker is read after the fields before it.
  const recordScript = script(redis, 'bakeryTrackingRecord', RECORD)
  const finaliseScript = script(redis, 'bakeryTrackingFinalise', FINALISE)
  const tallyScript = script(redis, 'bakeryTrackingTally', TALLY)

  return {
    kind: 'redis',
    async record(key, fields, at, restore) {
      await recordScript([recordKey(key), activeKey], [ttlMs, at, key, restored(restore), ...pairs(fields)])
    },
    async heartbeat(key, hop, at) {
      const record = recordKey(key)
      await Promise.all([
        redis.hincrby(record, `${hop}.beats`, 1),
        redis.hset(record, `${hop}.beat`, String(at)),
        redis.pexpire(record, ttlMs),
        redis.zadd(activeKey, 'XX', at, key),
      ])
    },
    async finalise(key, fields, restore) {
      // The marker comes last in the script, so a woken waiter always reads the final fields.
      await finaliseScript(
        [recordKey(key), activeKey, doneKey(key)],
        [ttlMs, key, restored(restore), ...pairs(fields)],
      )
    },
    async read(key) {
      const fields = await redis.hgetall(recordKey(key))
      return Object.keys(fields).length === 0 ? undefined : (fields as Fields)
    },
    async isFinalised(key) {
      return (await redis.exists(doneKey(key))) === 1
    },
    async tally(tally, item) {
      return Number(await tallyScript([`${prefix}n:${tally}`], [ttlMs, item]))
    },
    async activity(stalledBefore): Promise<ActivityCounts> {
      const [, inFlight, stalled] = await Promise.all([
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

// The fields to restore travel as one JSON argument (one string for the client to encode, not
// two per field) and are decoded only when the record is missing.
const RESTORE = `
if ARGV[RESTORE_AT] ~= '{}' and redis.call('EXISTS', KEYS[1]) == 0 then
  for name, value in pairs(cjson.decode(ARGV[RESTORE_AT])) do redis.call('HSET', KEYS[1], name, value) end
end`

// KEYS: record, active. ARGV: ttl ms, at, key, restore JSON, then field/value pairs.
const RECORD = `${RESTORE.replaceAll('RESTORE_AT', '4')}
if #ARGV > 4 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])`

// KEYS: record, active, done. ARGV: ttl ms, key, restore JSON, then field/value pairs.
const FINALISE = `${RESTORE.replaceAll('RESTORE_AT', '3')}
if #ARGV > 3 then redis.call('HSET', KEYS[1], unpack(ARGV, 4)) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])`

// KEYS: tally. ARGV: ttl ms, item. Returns the tally's size.
const TALLY = `
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('SCARD', KEYS[1])`

type Script = (keys: string[], args: (string | number)[]) => Promise<unknown>
type Command = (...args: (string | number)[]) => Promise<unknown>

/**
 * A Lua script as an ioredis custom command: ioredis sends it by its SHA1 and falls back to EVAL
 * when Redis does not know it (also after a restart, which forgets scripts), and auto-pipelines it
 * like any command. Without a fixed key count, the count goes first in each call.
 */
export function script(redis: Redis, name: string, lua: string): Script {
  if (!(name in redis)) redis.defineCommand(name, { lua })
  const command = (redis as unknown as Record<string, Command>)[name] as Command
  return (keys, args) => command.call(redis, keys.length, ...keys, ...args)
}

function restored(fields: Fields | undefined): string {
  return fields ? JSON.stringify(fields) : '{}'
}

function pairs(fields: Fields): string[] {
  const out: string[] = []
  for (const name in fields) out.push(name, fields[name] as string)
  return out
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
