// What the RabbitMQ adapter declares for a queue spec, and how it reads AMQP header tables.
import type { Channel } from 'amqplib'
import type { QueueSpec } from './port.ts'
import { deadLetterName } from './topic.ts'

export async function assertSpec(channel: Channel, spec: QueueSpec): Promise<void> {
  const deadLetter = spec.deadLetter !== false
  if (deadLetter) await channel.assertQueue(deadLetterName(spec.name), { durable: true })
  // nack without requeue (or a broker-side expiry) also lands in the dead-letter queue.
  await channel.assertQueue(spec.name, {
    durable: true,
    ...(deadLetter ? { deadLetterExchange: '', deadLetterRoutingKey: deadLetterName(spec.name) } : {}),
  })
  for (const binding of spec.bindings ?? []) {
    const alternate = binding.alternateExchange
    if (alternate) await channel.assertExchange(alternate, 'topic', { durable: true })
    await channel.assertExchange(binding.exchange, 'topic', {
      durable: true,
      ...(alternate ? { alternateExchange: alternate } : {}),
    })
    await channel.bindQueue(spec.name, binding.exchange, binding.pattern)
  }
}

export function stringHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') out[key] = value
    else if (Buffer.isBuffer(value)) out[key] = value.toString('utf8')
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value)
  }
  return out
}
