// The loop behind background relays (the outbox relay, the payment sweep): one pass at a time,
// the next one after the delay the pass returns, an early pass on wake(). Its timer is unref'd
// (it never holds the process open) and bounded, and stop() cancels it and waits for the pass in
// progress, so nothing runs after a service stopped.

/** The longest delay between passes: a wrong value must not leave a relay asleep for days. */
export const MAX_RELAY_DELAY_MS = 600_000

const RETRY_AFTER_REJECTION_MS = 1000

export interface RelayTimerOptions {
  /** One pass; resolves to the delay before the next one. After a rejection the next pass is in 1 s. */
  run(): Promise<number>
  /** A wake() that arrives while a pass runs (the relay may want one more pass); ignored when omitted. */
  onWakeWhileRunning?(): void
}

export interface RelayTimer {
  /** Runs a pass now, unless stopped (or one is running: then `onWakeWhileRunning`). */
  wake(): void
  /** Runs the next pass after `ms` instead of when planned. */
  schedule(ms: number): void
  /** Starts the loop with a pass right away; a no-op when it runs. */
  start(): void
  /** Cancels the timer and resolves once the pass in progress has ended (never rejects). */
  stop(): Promise<void>
  readonly stopped: boolean
}

export function createRelayTimer(options: RelayTimerOptions): RelayTimer {
  let stopped = true
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  function schedule(ms: number): void {
    if (stopped) return
    clearTimeout(timer)
    const delay = Math.min(MAX_RELAY_DELAY_MS, Math.max(0, Number.isFinite(ms) ? ms : MAX_RELAY_DELAY_MS))
    timer = setTimeout(wake, delay)
    timer.unref()
  }

  function wake(): void {
    if (stopped) return
    if (running) {
      options.onWakeWhileRunning?.()
      return
    }
    clearTimeout(timer)
    running = options
      .run()
      .catch(() => RETRY_AFTER_REJECTION_MS)
      .then((next) => {
        running = undefined
        schedule(next)
      })
  }

  return {
    wake,
    schedule,
    start() {
      if (!stopped) return
      stopped = false
      wake()
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
    get stopped() {
      return stopped
    },
  }
}
