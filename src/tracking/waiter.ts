// Waits for tracking records to be finalised without polling: the store's one notification
// source (Redis: one subscriber connection per process) fans out to every waiting request.
// Each wait reads the store once when it starts (the record may already be final) and once
// more only after a reconnect, when notifications may have been missed.
import type { Logger } from '../platform/log/index.ts'
import type { TrackingStore } from './store/index.ts'

export interface CompletionWaiter {
  /** Subscribes (once per process); call before the first wait to fail fast when Redis refuses. */
  start(): Promise<void>
  /** Resolves true when `key` is finalised within `timeoutMs`, false when the time runs out. */
  wait(key: string, timeoutMs: number): Promise<boolean>
  /** Requests waiting now. */
  readonly waiting: number
  /** True once subscribed (and while the subscription stands). */
  readonly subscribed: boolean
  close(): void
}

export function createCompletionWaiter(store: TrackingStore, log: Logger): CompletionWaiter {
  const waiters = new Map<string, Set<(done: boolean) => void>>()
  let count = 0
  let started: Promise<() => void> | undefined
  let subscribed = false

  const settle = (key: string) => {
    const set = waiters.get(key)
    if (!set) return
    waiters.delete(key)
    for (const resolve of set) resolve(true)
  }
  const check = (key: string) => {
    store.isFinalised(key).then(
      (done) => done && settle(key),
      (error: unknown) => log.warn({ err: error, key }, 'could not check a tracking record'),
    )
  }

  function start(): Promise<void> {
    started ??= store.watch({
      onFinalised: settle,
      onResync() {
        log.info({ waiting: waiters.size }, 're-checking waits after a reconnect')
        for (const key of waiters.keys()) check(key)
      },
    })
    started.then(
      () => {
        subscribed = true
      },
      () => {
        started = undefined
      },
    )
    return started.then(() => undefined)
  }

  return {
    start,
    get waiting() {
      return count
    },
    get subscribed() {
      return subscribed
    },
    async wait(key, timeoutMs) {
      await start()
      return new Promise<boolean>((resolve) => {
        let set = waiters.get(key)
        if (!set) {
          set = new Set()
          waiters.set(key, set)
        }
        count++
        const finish = (done: boolean) => {
          clearTimeout(timer)
          count--
          resolve(done)
        }
        const timer = setTimeout(() => {
          const current = waiters.get(key)
          current?.delete(finish)
          if (current?.size === 0) waiters.delete(key)
          finish(false)
        }, timeoutMs)
        set.add(finish)
        // Registered first, then checked: a finalisation between the two is seen either way.
        check(key)
      })
    },
    close() {
      void started?.then((stop) => stop()).catch(() => {})
      for (const key of [...waiters.keys()]) {
        const set = waiters.get(key)
        waiters.delete(key)
        for (const resolve of set ?? []) resolve(false)
      }
    },
  }
}
