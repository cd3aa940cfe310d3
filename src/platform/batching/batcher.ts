// Group commit for any per-item operation: items that arrive while earlier batches are in flight
// wait and go together in the next one. An idle batcher runs an item at once (no added latency);
// under load, batches grow by themselves, so round trips per item fall as concurrency rises.
import { BakeryError, ErrorCode } from '../errors.ts'

export interface BatcherOptions<I, O> {
  /** Runs one batch; returns one result per item, in order. A throw fails every item of the batch. */
  run(items: I[]): Promise<O[]>
  /** Largest batch. */
  maxBatch: number
  /** Batches in flight at once (e.g. database connections it may use). */
  maxConcurrent: number
  /**
   * Whether a failed batch of several items is retried one item at a time, so that one bad item
   * fails alone. Default: always; answer false for failures that would fail every item anyway
   * (the database is down), to spare it N more round trips.
   */
  retryAlone?: (error: unknown) => boolean
}

export interface Batcher<I, O> {
  add(item: I): Promise<O>
  /** Items waiting or running. */
  pending(): number
  /** Resolves when nothing is waiting or running. */
  idle(): Promise<void>
}

interface Entry<I, O> {
  item: I
  resolve(value: O): void
  reject(error: unknown): void
}

export function createBatcher<I, O>(options: BatcherOptions<I, O>): Batcher<I, O> {
  let waiting: Entry<I, O>[] = []
  let inFlight = 0
  let running = 0
  let idleWaiters: (() => void)[] = []

  function pump(): void {
    while (inFlight < options.maxConcurrent && waiting.length > 0) {
      const batch = waiting.length <= options.maxBatch ? waiting : waiting.slice(0, options.maxBatch)
      waiting = batch === waiting ? [] : waiting.slice(batch.length)
      inFlight++
      running += batch.length
      void runBatch(batch)
    }
    if (inFlight === 0 && waiting.length === 0 && idleWaiters.length > 0) {
      const wake = idleWaiters
      idleWaiters = []
      for (const w of wake) w()
    }
  }

  async function runBatch(batch: Entry<I, O>[]): Promise<void> {
    try {
      const results = await options.run(batch.map((e) => e.item))
      if (results.length !== batch.length) {
        throw new BakeryError(
          ErrorCode.INTERNAL,
          `batch returned ${results.length} results for ${batch.length} items`,
          { retryable: true },
        )
      }
      for (let i = 0; i < batch.length; i++) (batch[i] as Entry<I, O>).resolve(results[i] as O)
    } catch (error) {
      if (batch.length > 1 && (options.retryAlone?.(error) ?? true)) await runAlone(batch)
      else for (const entry of batch) entry.reject(error)
    } finally {
      inFlight--
      running -= batch.length
      pump()
    }
  }

  // In the same in-flight slot, one after another: isolation must not multiply the connections used.
  async function runAlone(batch: Entry<I, O>[]): Promise<void> {
    for (const entry of batch) {
      try {
        const [result] = await options.run([entry.item])
        entry.resolve(result as O)
      } catch (error) {
        entry.reject(error)
      }
    }
  }

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject })
        pump()
      })
    },
    pending: () => waiting.length + running,
    idle() {
      if (inFlight === 0 && waiting.length === 0) return Promise.resolve()
      return new Promise((resolve) => idleWaiters.push(resolve))
    },
  }
}
