// What the outbox stores and publishes: a message for the queue, and a stored one with its row id.

export interface OutboxMessage {
  /** Topic exchange; omitted = default exchange (routingKey is the queue). */
  exchange?: string
  routingKey: string
  /** UTF-8 text (JSON): stored as text. Binary bodies (protobuf) are stored base64 with `encoding`. */
  body: string
  /** How `body` is stored: utf8 (default) or base64 for a binary body, decoded before publishing. */
  encoding?: 'utf8' | 'base64'
  headers?: Record<string, string>
  contentType?: string
  /** Stable id for consumers; generated when absent. */
  messageId?: string
}

/** A stored message, ready to dispatch after its transaction committed. */
export interface OutboxEntry {
  readonly id: string
  readonly message: Readonly<OutboxMessage> & { messageId: string }
}
