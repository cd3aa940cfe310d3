// Redis adapter of the tracking store. Layout under the prefix P:
//   P r:<key>     hash: the record's fields (per-hop start/end/worker/beats), TTL
//   P done:<key>  string: the completion marker; its `set` keyspace event wakes waiters, TTL
//   P active      sorted set: in-flight keys scored by their last activity (epoch ms)
//   P n:<name>    set: tallies (e.g. the orders of one customer), TTL
// Commands go over the given connection (the process's shared one, see platform/cache: while
// Redis restarts they wait in its offline queue instead of failing at once), and at most ONE
// subscriber connection serves notifications however many wait.
import type { Redis } from 'ioredis'
import { createBatcher } from '../../platform/batching/index.ts'
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

  const writeScript = script(redis, 'bakeryTrackingWrite', WRITE)
  const tallyScript = script(redis, 'bakeryTrackingTally', TALLY)

  // The record and finalise writes of every hop in this process go to Redis in batches: while one
  // batch runs, the writes asked for meanwhile wait and then leave as ONE script call that applies
  // them in order. Per write, that is one command fewer for ioredis to encode and Redis to parse
  // (the tracking writes were the largest part of a journey's CPU: the same journey with the
  // in-process store ran 1.5x the orders per second). An idle store sends a write at once. One
  // connection runs its commands in the order sent, so a completion marker is read after the
  // fields before it, and a batch never overtakes an earlier one.
  const writes = createBatcher<Write, void>({
    maxBatch: WRITE_BATCH,
    maxConcurrent: 1,
    async run(batch) {
      const keys: string[] = [activeKey]
      const args: (string | number)[] = [ttlMs]
      for (const write of batch) {
        keys.push(recordKey(write.key))
        if (write.finalise) keys.push(doneKey(write.key))
        args.push(
          write.finalise ? 'f' : 'r',
          write.key,
          write.at,
          restored(write.restore),
          write.pairs.length / 2,
        )
        for (const value of write.pairs) args.push(value)
      }
      await writeScript(keys, args)
      return batch.map(() => undefined)
    },
    // A script error is one write's (tried alone, so it fails alone); a lost connection is everyone's.
    retryAlone: (error) => error instanceof Error && error.name === 'ReplyError',
  })
  return {
    kind: 'redis',
    record(key, fields, at, restore) {
      return writes.add({ key, at, restore, pairs: pairs(fields), finalise: false })
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
    finalise(key, fields, restore) {
      // The marker comes after the fields in the script, so a woken waiter reads the final fields.
      return writes.add({ key, at: Date.now(), restore, pairs: pairs(fields), finalise: true })
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

/** Most writes one script call applies (Lua's stack holds a write's arguments with room to spare). */
const WRITE_BATCH = 256

interface Write {
  key: string
  at: number
  restore: Fields | undefined
  pairs: string[]
  /** Finalise (drop from in-flight, set the completion marker) rather than record. */
  finalise: boolean
}

// KEYS: active, then per write its record (and for a finalise its completion marker).
// ARGV: ttl ms, then per write: 'r' (record) or 'f' (finalise), request key, at, restore JSON, the
// number of fields, the field/value pairs. The fields to restore travel as one JSON argument (one
// string for the client to encode, not two per field) and are decoded only when the record is
// missing: a record Redis lost is rebuilt, and a present one is not sent what it holds.
const WRITE = `
local ttl = ARGV[1]
local a = 2
local k = 2
while a <= #ARGV do
  local record = KEYS[k]
  local restore = ARGV[a + 3]
  local n = tonumber(ARGV[a + 4])
  if restore ~= '{}' and redis.call('EXISTS', record) == 0 then
    for name, value in pairs(cjson.decode(restore)) do redis.call('HSET', record, name, value) end
  end
  if n > 0 then redis.call('HSET', record, unpack(ARGV, a + 5, a + 4 + 2 * n)) end
  redis.call('PEXPIRE', record, ttl)
  if ARGV[a] == 'f' then
    redis.call('ZREM', KEYS[1], ARGV[a + 1])
    redis.call('SET', KEYS[k + 1], '1', 'PX', ttl)
    k = k + 2
  else
    redis.call('ZADD', KEYS[1], ARGV[a + 2], ARGV[a + 1])
    k = k + 1
  end
  a = a + 5 + 2 * n
end`

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
