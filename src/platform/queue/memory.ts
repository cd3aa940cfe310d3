// The embedded queue: the same at-least-once contract as RabbitMQ inside one process. Messages a
// handler did not settle go back to the front of their queue marked redelivered, prefetch bounds
// the unacked messages per consumer, and consumers of one queue compete round-robin.
import { BakeryError, ErrorCode } from '../errors.ts'
import type { Consumer, Delivery, PublishOptions, PublishTarget, Queue, QueueSpec } from './port.ts'
import { deadLetterName, topicMatcher } from './topic.ts'

interface Message {
  body: Buffer
  headers: Record<string, string>
  contentType: string | undefined
  messageId: string | undefined
  routingKey: string
  redelivered: boolean
}

interface ConsumerState {
  prefetch: number
  inFlight: number
  handler: (delivery: Delivery) => Promise<void>
  cancelled: boolean
  running: Set<Promise<void>>
}

interface QueueState {
  ready: Message[]
  consumers: ConsumerState[]
  next: number
  deadLetter: boolean
}

interface Route {
  queue: string
  pattern: string
  matches: (key: string) => boolean
}

export function createMemoryQueue(): Queue {
  const queues = new Map<string, QueueState>()
  const exchanges = new Map<string, Route[]>()
  /** Exchange → its alternate exchange, for messages none of its bindings routes. */
  const alternates = new Map<string, string>()
  let closed = false
  let scheduled = false

  function ensure(name: string, deadLetter: boolean): QueueState {
    let state = queues.get(name)
    if (!state) {
      state = { ready: [], consumers: [], next: 0, deadLetter }
      queues.set(name, state)
    }
    return state
  }

  function assertOpen(): void {
    if (closed) throw new BakeryError(ErrorCode.QUEUE_UNAVAILABLE, 'queue is closed', { retryable: true })
  }

  // Dispatch runs on a microtask so a publish never runs a handler synchronously inside the caller.
  function schedule(): void {
    if (scheduled) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      for (const [name, state] of queues) dispatch(name, state)
    })
  }

  function dispatch(name: string, state: QueueState): void {
    while (state.ready.length > 0) {
      const consumer = pickConsumer(state)
      if (!consumer) return
      const message = state.ready.shift() as Message
      deliver(name, state, consumer, message)
    }
  }

  function pickConsumer(state: QueueState): ConsumerState | undefined {
    const n = state.consumers.length
    for (let i = 0; i < n; i++) {
      const consumer = state.consumers[(state.next + i) % n] as ConsumerState
      if (!consumer.cancelled && consumer.inFlight < consumer.prefetch) {
        state.next = (state.next + i + 1) % n
        return consumer
      }
    }
    return undefined
  }

  function deliver(name: string, state: QueueState, consumer: ConsumerState, message: Message): void {
    consumer.inFlight++
    let settled = false
    const settle = () => {
      if (settled) throw new BakeryError(ErrorCode.INTERNAL, 'message already settled')
      settled = true
      consumer.inFlight--
      schedule()
    }
    const requeue = () => {
      state.ready.unshift({ ...message, redelivered: true })
    }
    const delivery: Delivery = {
      body: message.body,
      headers: message.headers,
      contentType: message.contentType,
      messageId: message.messageId,
      routingKey: message.routingKey,
      redelivered: message.redelivered,
      async ack() {
        settle()
      },
      async nack({ requeue: again }) {
        settle()
        if (again) requeue()
      },
      async deadLetter(reason) {
        settle()
        const dead = ensure(deadLetterName(name), false)
        dead.ready.push({ ...message, headers: { ...message.headers, 'x-death-reason': reason } })
      },
    }
    const run = Promise.resolve()
      .then(() => consumer.handler(delivery))
      .catch(() => undefined)
      .then(() => {
        // An unsettled message is not lost: it returns to the queue as a redelivery.
        if (!settled) {
          settle()
          requeue()
        }
      })
    consumer.running.add(run)
    void run.finally(() => consumer.running.delete(run))
  }

  /** Queues bound to the exchange for this key; none → the alternate exchange's, as RabbitMQ does. */
  function routeTopic(exchange: string, routingKey: string, hops = 0): string[] {
    const queues = new Set(
      (exchanges.get(exchange) ?? []).filter((r) => r.matches(routingKey)).map((r) => r.queue),
    )
    const alternate = alternates.get(exchange)
    // Bounded: a chain of alternates longer than a few exchanges is a loop, as RabbitMQ treats it.
    if (queues.size === 0 && alternate && hops < 8) return routeTopic(alternate, routingKey, hops + 1)
    return [...queues]
  }

  return {
    kind: 'memory',
    async declare(spec: QueueSpec) {
      assertOpen()
      const deadLetter = spec.deadLetter !== false
      ensure(spec.name, deadLetter)
      if (deadLetter) ensure(deadLetterName(spec.name), false)
      for (const binding of spec.bindings ?? []) {
        if (binding.alternateExchange) alternates.set(binding.exchange, binding.alternateExchange)
        const routes = exchanges.get(binding.exchange) ?? []
        if (!routes.some((r) => r.queue === spec.name && r.pattern === binding.pattern)) {
          routes.push({ queue: spec.name, pattern: binding.pattern, matches: topicMatcher(binding.pattern) })
        }
        exchanges.set(binding.exchange, routes)
      }
    },
    async publish(target: PublishTarget, body: Buffer, options: PublishOptions = {}) {
      assertOpen()
      const targets =
        target.exchange === undefined || target.exchange === ''
          ? [target.routingKey]
          : routeTopic(target.exchange, target.routingKey)
      for (const name of targets) {
        // Like the default exchange of RabbitMQ, a message to an undeclared queue is dropped.
        const state = queues.get(name)
        if (!state) continue
        state.ready.push({
          body: Buffer.from(body),
          headers: { ...options.headers },
          contentType: options.contentType,
          messageId: options.messageId,
          routingKey: target.routingKey,
          redelivered: false,
        })
      }
      schedule()
    },
    async consume(queue, handler, options) {
      assertOpen()
      const state = queues.get(queue)
      if (!state) throw new BakeryError(ErrorCode.QUEUE_UNAVAILABLE, `queue ${queue} is not declared`)
      const consumer: ConsumerState = {
        prefetch: Math.max(1, options.prefetch),
        inFlight: 0,
        handler,
        cancelled: false,
        running: new Set(),
      }
      state.consumers.push(consumer)
      schedule()
      const cancel: Consumer['cancel'] = async () => {
        if (consumer.cancelled) return
        consumer.cancelled = true
        state.consumers = state.consumers.filter((c) => c !== consumer)
        state.next = 0
        while (consumer.running.size > 0) await Promise.all([...consumer.running])
        schedule()
      }
      return { cancel }
    },
    async depth(queue) {
      return queues.get(queue)?.ready.length ?? 0
    },
    async ping() {
      assertOpen()
    },
    async close() {
      closed = true
      for (const state of queues.values()) {
        for (const consumer of state.consumers) consumer.cancelled = true
        await Promise.all(state.consumers.flatMap((c) => [...c.running]))
        state.consumers = []
      }
    },
  }
}
