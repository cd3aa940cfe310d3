// The consumer loop every worker uses: parse, handle, ack. A failed handler is retried in place
// with exponential backoff (the message keeps its prefetch slot, so a sick dependency slows the
// worker down instead of spinning the queue), then dead-lettered with the reason. A message that
// cannot be parsed, or a BakeryError marked not retryable, goes straight to `<queue>.dead`.
import { BakeryError, ErrorCode, errorMessage, isBakeryError } from '../errors.ts'
import type { Logger } from '../log/index.ts'
import type { Consumer, Delivery, Queue } from './port.ts'

export interface RetryPolicy {
  /** Handler runs per delivery before the message is dead-lettered (≥ 1). */
  maxAttempts: number
  initialDelayMs: number
  maxDelayMs: number
}

export interface ConsumerRunnerOptions<T> {
  queue: Queue
  /** Queue to consume; declare it before start. */
  name: string
  prefetch: number
  log: Logger
  retry: RetryPolicy
  /** Turns a delivery into a message; throw (any error) when it is malformed. */
  parse(delivery: Delivery): T
  handle(message: T, delivery: Delivery): Promise<void>
  /**
   * Wraps the whole processing of one delivery (parse, handle, ack or dead-letter), e.g. to run it
   * inside a consumer span; `next` resolves with what happened to the message.
   */
  around?(delivery: Delivery, next: () => Promise<Outcome>): Promise<void>
  /** Called once a message went to the dead-letter queue (for metrics). */
  onDeadLetter?(reason: string, delivery: Delivery): void
}

export type Outcome = 'acked' | 'dead-lettered' | 'requeued'

export interface ConsumerRunner {
  start(): Promise<void>
  /** Stops taking messages, abandons pending retries (the message is requeued), waits for handlers. */
  stop(): Promise<void>
  /** Handlers running now. */
  inFlight(): number
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 5000 }

export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1))
  // Jitter spreads the retries of many workers hitting the same failure.
  return Math.round(base * (0.5 + Math.random() * 0.5))
}

export function malformed(message: string, cause?: unknown): BakeryError {
  return new BakeryError(ErrorCode.MESSAGE_MALFORMED, message, { cause, retryable: false })
}

export function createConsumerRunner<T>(options: ConsumerRunnerOptions<T>): ConsumerRunner {
  const { log, retry } = options
  let consumer: Consumer | undefined
  let stopping = false
  let running = 0
  const sleepers = new Set<() => void>()

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      sleepers.add(wake)
    })
  }

  async function deadLetter(delivery: Delivery, reason: string): Promise<void> {
    await delivery.deadLetter(reason)
    options.onDeadLetter?.(reason, delivery)
  }

  async function onDelivery(delivery: Delivery): Promise<void> {
    running++
    try {
      if (options.around) await options.around(delivery, () => process(delivery))
      else await process(delivery)
    } finally {
      running--
    }
  }

  async function process(delivery: Delivery): Promise<Outcome> {
    let message: T
    try {
      message = options.parse(delivery)
    } catch (error) {
      const reason = `malformed: ${errorMessage(error)}`
      log.warn(
        { queue: options.name, reason, content: delivery.body.toString('utf8', 0, 4096) },
        'malformed message dead-lettered',
      )
      await deadLetter(delivery, reason)
      return 'dead-lettered'
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handle(message, delivery)
        await delivery.ack()
        return 'acked'
      } catch (error) {
        const permanent = isBakeryError(error) && !error.retryable
        if (permanent || attempt >= retry.maxAttempts) {
          const reason = permanent ? errorMessage(error) : `failed ${attempt} times: ${errorMessage(error)}`
          log.warn({ queue: options.name, reason, err: error }, 'message dead-lettered')
          await deadLetter(delivery, reason)
          return 'dead-lettered'
        }
        if (stopping) {
          await delivery.nack({ requeue: true })
          return 'requeued'
        }
        const delay = backoffDelay(retry, attempt)
        log.debug({ queue: options.name, attempt, delay, err: errorMessage(error) }, 'retrying message')
        await sleep(delay)
        if (stopping) {
          await delivery.nack({ requeue: true })
          return 'requeued'
        }
      }
    }
  }

  return {
    async start() {
      stopping = false
      consumer = await options.queue.consume(options.name, onDelivery, { prefetch: options.prefetch })
    },
    async stop() {
      stopping = true
      for (const wake of [...sleepers]) wake()
      await consumer?.cancel()
      consumer = undefined
    },
    inFlight: () => running,
  }
}
