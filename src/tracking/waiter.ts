// Waits for tracking records to be finalised without polling: the store's one notification
// source (Redis: one subscriber connection per process) fans out to every waiting request.
// Each wait reads the record once when it starts (it may already be final), once when its
// completion is announced, and once more only after a reconnect, when notifications may have
// been missed. The read that sees the record final is the answer: there is no second read that
// a Redis restart in between could find empty.
import type { Logger } from '../platform/log/index.ts'
import { field } from './journey.ts'
import type { Fields, TrackingStore } from './store/index.ts'

export interface CompletionWaiter {
  /** Subscribes (once per process); waits call it too, so a failed start is retried. */
  start(): Promise<void>
  /** Resolves with the final record when `key` is finalised within `timeoutMs`, else undefined. */
  wait(key: string, timeoutMs: number): Promise<Fields | undefined>
  /** Requests waiting now. */
  readonly waiting: number
  close(): void
}

type Resolve = (fields: Fields | undefined) => void

export function createCompletionWaiter(store: TrackingStore, log: Logger): CompletionWaiter {
  const waiters = new Map<string, Set<Resolve>>()
  let count = 0
  let started: Promise<() => void> | undefined

  const check = (key: string) => {
    store.read(key).then(
      (fields) => {
        if (fields?.[field.done] === undefined) return
        const set = waiters.get(key)
        waiters.delete(key)
        for (const resolve of set ?? []) resolve(fields)
      },
      (error: unknown) => log.warn({ err: error, order_key: key }, 'could not read a tracking record'),
    )
  }

  function start(): Promise<void> {
    started ??= store.watch({
      onFinalised: (key) => {
        if (waiters.has(key)) check(key)
      },
      onResync() {
        log.info({ waiting: waiters.size }, 're-checking waits after a reconnect')
        for (const key of waiters.keys()) check(key)
      },
    })
    started.catch(() => {
      started = undefined
    })
    return started.then(() => undefined)
  }

  return {
    start,
    get waiting() {
      return count
    },
    async wait(key, timeoutMs) {
      await start()
      return new Promise<Fields | undefined>((resolve) => {
        let set = waiters.get(key)
        if (!set) {
          set = new Set()
          waiters.set(key, set)
        }
        count++
        const finish: Resolve = (fields) => {
          clearTimeout(timer)
          count--
          resolve(fields)
        }
        const timer = setTimeout(() => {
          const current = waiters.get(key)
          current?.delete(finish)
          if (current?.size === 0) waiters.delete(key)
          finish(undefined)
        }, timeoutMs)
        set.add(finish)
        // Registered first, then read: a finalisation between the two is seen either way.
        check(key)
      })
    },
    close() {
      void started?.then((stop) => stop()).catch(() => {})
      for (const key of [...waiters.keys()]) {
        const set = waiters.get(key)
        waiters.delete(key)
        for (const resolve of set ?? []) resolve(undefined)
      }
    },
  }
}
