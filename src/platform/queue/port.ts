// The message queue port: RabbitMQ in production, an in-process queue embedded. Both give
// at-least-once delivery: a message is redelivered until it is acked, so consumers are idempotent.

export interface Binding {
  /** A topic exchange, declared durable. */
  exchange: string
  /** A topic pattern, e.g. `orders.created` or `orders.*`. */
  pattern: string
  /**
   * The exchange's alternate exchange: a message no binding of `exchange` routes goes there
   * instead of being dropped. Every declaration of one exchange names the same alternate
   * (RabbitMQ refuses to redeclare an exchange with other arguments).
   */
  alternateExchange?: string
}

export interface QueueSpec {
  /** Durable queue name. */
  name: string
  /** Topic-exchange bindings; a queue without bindings is reached through the default exchange by its name. */
  bindings?: readonly Binding[]
  /** Dead letters go to `<name>.dead` (declared with the queue) unless this is false. */
  deadLetter?: boolean
}

export interface PublishTarget {
  /** Topic exchange; omitted = the default exchange, where `routingKey` is the queue name. */
  exchange?: string
  routingKey: string
}

export interface PublishOptions {
  /** Message headers: W3C trace context, attempt counters, the reason of a dead letter. */
  headers?: Record<string, string>
  contentType?: string
  /** Stable id for de-duplication by idempotent consumers. */
  messageId?: string
}

export interface Delivery {
  readonly body: Buffer
  readonly headers: Readonly<Record<string, string>>
  readonly contentType: string | undefined
  readonly messageId: string | undefined
  readonly routingKey: string
  /** True when the broker delivered this message before (a consumer died or nacked it). */
  readonly redelivered: boolean
  ack(): Promise<void>
  /** Returns the message to its queue (requeue) or drops it. */
  nack(options: { requeue: boolean }): Promise<void>
  /** Moves the message to `<queue>.dead` with the reason in the `x-death-reason` header, then acks it. */
  deadLetter(reason: string): Promise<void>
}

export interface ConsumeOptions {
  /** Unacked messages in flight at once for this consumer. */
  prefetch: number
}

export interface Consumer {
  /** Stops taking messages and waits for the handlers in flight. */
  cancel(): Promise<void>
}

export interface Queue {
  readonly kind: 'amqp' | 'memory'
  declare(spec: QueueSpec): Promise<void>
  /** Resolves once the broker has confirmed the message as stored (publisher confirms). */
  publish(target: PublishTarget, body: Buffer, options?: PublishOptions): Promise<void>
  consume(
    queue: string,
    handler: (delivery: Delivery) => Promise<void>,
    options: ConsumeOptions,
  ): Promise<Consumer>
  /** Messages ready in the queue (not counting unacked ones in flight). */
  depth(queue: string): Promise<number>
  ping(): Promise<void>
  close(): Promise<void>
}
