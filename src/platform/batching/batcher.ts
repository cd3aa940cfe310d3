// Group commit for any per-item operation: items that arrive while earlier batches are in flight
// wait and go together in the next one. An idle batcher runs an item at once (no added latency);
// under load, batches grow by themselves, so round trips per item fall as concurrency rises.

export interface BatcherOptions<I, O> {
  /** Runs one batch; returns one result per item, in order. A throw fails every item of the batch. */
  run(items: I[]): Promise<O[]>
  /** Largest batch. */
  maxBatch: number
  /** Batches in flight at once (e.g. database connections it may use). */
  maxConcurrent: number
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
        throw new Error(`batch returned ${results.length} results for ${batch.length} items`)
      }
      for (let i = 0; i < batch.length; i++) (batch[i] as Entry<I, O>).resolve(results[i] as O)
    } catch (error) {
      for (const entry of batch) entry.reject(error)
    } finally {
      inFlight--
      running -= batch.length
      pump()
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
