// The RabbitMQ adapter: one connection, a confirm channel for publishing (confirms pipelined, one
// callback per message), one channel per consumer (prefetch is per channel; its acks coalesced
// into `allUpTo` acks, amqp-acks.ts). Queues and exchanges are durable, messages persistent. When
// the connection drops it reconnects with exponential backoff, declares again everything declared
// before, and resumes every consumer.
import {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  connect,
  type Options,
} from 'amqplib'
import { BakeryError, ErrorCode, errorMessage } from '../errors.ts'
import type { Logger } from '../log/index.ts'
import { type AckCoalescer, createAckCoalescer } from './amqp-acks.ts'
import { coalesceFrameWrites } from './amqp-coalesce.ts'
import { assertSpec, stringHeaders } from './amqp-topology.ts'
import type { Consumer, Delivery, PublishOptions, PublishTarget, Queue, QueueSpec } from './port.ts'
import { deadLetterName } from './topic.ts'

export interface AmqpQueueOptions {
  log: Logger
  /** First reconnect delay; doubles up to `reconnectMaxMs`. */
  reconnectInitialMs?: number
  reconnectMaxMs?: number
  /** How long a publish or declare waits for a connection before it fails. */
  connectWaitMs?: number
}

interface ConsumerEntry {
  queue: string
  prefetch: number
  handler: (delivery: Delivery) => Promise<void>
  channel: Channel | undefined
  /** The acks of `channel`, coalesced per turn of the event loop. */
  acks: AckCoalescer | undefined
  tag: string | undefined
  cancelled: boolean
  running: Set<Promise<void>>
}

export async function createAmqpQueue(url: URL, options: AmqpQueueOptions): Promise<Queue> {
  const { log } = options
  const initialMs = options.reconnectInitialMs ?? 100
  const maxMs = options.reconnectMaxMs ?? 5000
  const waitMs = options.connectWaitMs ?? 5000
  const specs = new Map<string, QueueSpec>()
  const consumers = new Set<ConsumerEntry>()
  let connection: ChannelModel | undefined
  let publisher: ConfirmChannel | undefined
  let admin: Channel | undefined
  let closed = false
  let connecting: Promise<void> | undefined
  let waiters: (() => void)[] = []

  async function open(): Promise<void> {
    // Nagle's algorithm plus delayed ACKs stalls every confirm by ~40 ms when acks share the socket.
    const conn = await connect(url.href, { noDelay: true, heartbeat: 10 } as Options.Connect)
    conn.on('error', (error: unknown) => log.warn({ err: error }, 'amqp connection error'))
    if (!coalesceFrameWrites(conn)) log.debug('amqp frame writes not coalesced: unknown amqplib shape')
    conn.on('close', () => {
      if (connection !== conn) return
      connection = undefined
      publisher = undefined
      admin = undefined
      for (const entry of consumers) {
        entry.channel = undefined
        entry.acks = undefined
      }
      if (!closed) {
        log.warn('amqp connection lost; reconnecting')
        reconnect()
      }
    })
    try {
      const channel = await conn.createChannel()
      for (const spec of specs.values()) await assertSpec(channel, spec)
      await channel.close()
      connection = conn
      publisher = await openPublisher(conn)
      for (const entry of consumers) {
        if (entry.cancelled) continue
        // One consumer that cannot resume (its queue vanished) must not keep the connection down.
        await startConsumer(conn, entry).catch((error: unknown) =>
          log.error({ err: errorMessage(error), queue: entry.queue }, 'amqp consumer could not resume'),
        )
      }
    } catch (error) {
      connection = undefined
      await conn.close().catch(() => undefined)
      throw error
    }
    const ready = waiters
    waiters = []
    for (const wake of ready) wake()
  }

  async function openPublisher(conn: ChannelModel): Promise<ConfirmChannel> {
    const channel = await conn.createConfirmChannel()
    channel.on('error', (error: unknown) => log.warn({ err: error }, 'amqp publish channel error'))
    channel.on('close', () => {
      if (publisher === channel) publisher = undefined
    })
    return channel
  }

  function reconnect(): void {
    if (connecting || closed) return
    connecting = (async () => {
      let delay = initialMs
      while (!closed) {
        try {
          await open()
          log.info('amqp connected')
          return
        } catch (error) {
          log.warn({ err: errorMessage(error), retryInMs: delay }, 'amqp connect failed')
          await new Promise((resolve) => setTimeout(resolve, delay * (0.8 + Math.random() * 0.4)))
          delay = Math.min(maxMs, delay * 2)
        }
      }
    })().finally(() => {
      connecting = undefined
    })
  }

  async function connected(): Promise<ChannelModel> {
    if (closed) throw unavailable('amqp queue is closed')
    if (connection) return connection
    reconnect()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== wake)
        reject(unavailable(`amqp broker not reachable within ${waitMs} ms`))
      }, waitMs)
      const wake = () => {
        clearTimeout(timer)
        resolve()
      }
      waiters.push(wake)
    })
    if (!connection) throw unavailable('amqp broker not reachable')
    return connection
  }

  async function publishChannel(): Promise<ConfirmChannel> {
    const conn = await connected()
    if (!publisher) publisher = await openPublisher(conn)
    return publisher
  }

  async function adminChannel(): Promise<Channel> {
    const conn = await connected()
    if (!admin) {
      const channel = await conn.createChannel()
      channel.on('error', () => undefined)
      channel.on('close', () => {
        if (admin === channel) admin = undefined
      })
      admin = channel
    }
    return admin
  }

  async function startConsumer(conn: ChannelModel, entry: ConsumerEntry): Promise<void> {
    const channel = await conn.createChannel()
    channel.on('error', (error: unknown) =>
      log.warn({ err: error, queue: entry.queue }, 'amqp consumer channel error'),
    )
    await channel.prefetch(entry.prefetch)
    const acks = createAckCoalescer(channel, (error) =>
      log.debug({ err: errorMessage(error) }, 'acking on a closed channel'),
    )
    entry.channel = channel
    entry.acks = acks
    const reply = await channel.consume(entry.queue, (message) => {
      // null = the broker cancelled the consumer (queue deleted); the next reconnect resumes it.
      if (message) handle(entry, channel, acks, message)
    })
    entry.tag = reply.consumerTag
  }

  function handle(entry: ConsumerEntry, channel: Channel, acks: AckCoalescer, message: ConsumeMessage): void {
    let settled = false
    acks.delivered(message)
    // After the channel closed, the broker already requeued the message: settling is a no-op.
    const settle = (action: () => void) => {
      if (settled) throw new BakeryError(ErrorCode.INTERNAL, 'message already settled')
      settled = true
      if (entry.channel !== channel) return
      try {
        action()
      } catch (error) {
        log.debug({ err: errorMessage(error) }, 'settling on a closed channel')
      }
    }
    const nackNow = (requeue: boolean) => {
      acks.settled(message)
      channel.nack(message, false, requeue)
    }
    const properties = message.properties
    const delivery: Delivery = {
      body: message.content,
      headers: stringHeaders(properties.headers),
      contentType: properties.contentType as string | undefined,
      messageId: properties.messageId as string | undefined,
      routingKey: message.fields.routingKey,
      redelivered: message.fields.redelivered,
      async ack() {
        settle(() => acks.ack(message))
      },
      async nack({ requeue }) {
        settle(() => nackNow(requeue))
      },
      async deadLetter(reason) {
        await publishConfirmed({ routingKey: deadLetterName(entry.queue) }, message.content, {
          headers: { ...stringHeaders(properties.headers), 'x-death-reason': reason },
          ...(properties.contentType ? { contentType: properties.contentType as string } : {}),
          ...(properties.messageId ? { messageId: properties.messageId as string } : {}),
        })
        settle(() => acks.ack(message))
      },
    }
    const run = Promise.resolve()
      .then(() => entry.handler(delivery))
      .catch(() => undefined)
      .then(() => {
        if (!settled) settle(() => nackNow(true))
      })
    entry.running.add(run)
    void run.finally(() => entry.running.delete(run))
  }

  async function publishConfirmed(
    target: PublishTarget,
    body: Buffer,
    opts: PublishOptions = {},
  ): Promise<void> {
    const channel = await publishChannel()
    const properties: Options.Publish = { persistent: true, headers: opts.headers ?? {} }
    if (opts.contentType) properties.contentType = opts.contentType
    if (opts.messageId) properties.messageId = opts.messageId
    await new Promise<void>((resolve, reject) => {
      try {
        channel.publish(target.exchange ?? '', target.routingKey, body, properties, (error: unknown) => {
          if (error) {
            reject(
              new BakeryError(
                ErrorCode.QUEUE_PUBLISH_FAILED,
                `publish not confirmed: ${errorMessage(error)}`,
                {
                  cause: error,
                  retryable: true,
                },
              ),
            )
          } else resolve()
        })
      } catch (error) {
        reject(unavailable(`publish failed: ${errorMessage(error)}`, error))
      }
    })
  }

  await connected().catch((error: unknown) => {
    closed = true
    throw error
  })

  return {
    kind: 'amqp',
    async declare(spec) {
      specs.set(spec.name, spec)
      await assertSpec(await adminChannel(), spec)
    },
    publish: publishConfirmed,
    async consume(queue, handler, consumeOptions) {
      const entry: ConsumerEntry = {
        queue,
        prefetch: Math.max(1, consumeOptions.prefetch),
        handler,
        channel: undefined,
        acks: undefined,
        tag: undefined,
        cancelled: false,
        running: new Set(),
      }
      await startConsumer(await connected(), entry)
      consumers.add(entry)
      const cancel: Consumer['cancel'] = () => cancelEntry(entry)
      return { cancel }
    },
    async depth(queue) {
      const reply = await (await adminChannel()).checkQueue(queue)
      return reply.messageCount
    },
    async ping() {
      await connected()
    },
    async close() {
      if (closed) return
      await Promise.all([...consumers].map((entry) => cancelEntry(entry)))
      closed = true
      const conn = connection
      connection = undefined
      await conn?.close().catch(() => undefined)
    },
  }

  async function cancelEntry(entry: ConsumerEntry): Promise<void> {
    if (entry.cancelled) return
    entry.cancelled = true
    consumers.delete(entry)
    if (entry.channel && entry.tag) await entry.channel.cancel(entry.tag).catch(() => undefined)
    while (entry.running.size > 0) await Promise.all([...entry.running])
    const channel = entry.channel
    // Acks still waiting for the end of this turn go out before the channel closes.
    entry.acks?.flush()
    entry.channel = undefined
    entry.acks = undefined
    // Closing the channel returns any message still unacked to the queue.
    if (channel) await channel.close().catch(() => undefined)
  }
}

function unavailable(message: string, cause?: unknown): BakeryError {
  return new BakeryError(ErrorCode.QUEUE_UNAVAILABLE, message, { retryable: true, status: 503, cause })
}
