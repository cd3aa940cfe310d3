import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Channel, ConsumeMessage } from 'amqplib'
import { createAckCoalescer } from './amqp-acks.ts'

function fakeChannel() {
  const sent: string[] = []
  const channel = {
    ack(message: ConsumeMessage, allUpTo = false) {
      sent.push(`ack ${message.fields.deliveryTag}${allUpTo ? ' up to' : ''}`)
    },
  } as unknown as Channel
  return { channel, sent }
}

const message = (tag: number) => ({ fields: { deliveryTag: tag } }) as unknown as ConsumeMessage

test('acks of one turn go out as one allUpTo ack, and none before the turn ends', async () => {
  const { channel, sent } = fakeChannel()
  const acks = createAckCoalescer(channel, () => undefined)
  const messages = [1, 2, 3, 4].map(message)
  for (const m of messages) acks.delivered(m)
  for (const m of [...messages].reverse()) acks.ack(m)
  assert.deepEqual(sent, [])
  await nextTurn()
  assert.deepEqual(sent, ['ack 4 up to'])
})

test('an allUpTo ack never covers a message still in its handler; those behind it go alone', async () => {
  const { channel, sent } = fakeChannel()
  const acks = createAckCoalescer(channel, () => undefined)
  const messages = [1, 2, 3, 4, 5].map(message)
  for (const m of messages) acks.delivered(m)
  acks.ack(messages[0] as ConsumeMessage)
  acks.settled(messages[1] as ConsumeMessage) // nacked: no longer the broker's to ack
  acks.ack(messages[3] as ConsumeMessage) // 3 is still in its handler
  await nextTurn()
  assert.deepEqual(sent, ['ack 1 up to', 'ack 4'])
  acks.ack(messages[2] as ConsumeMessage)
  acks.ack(messages[4] as ConsumeMessage)
  acks.flush()
  assert.deepEqual(sent, ['ack 1 up to', 'ack 4', 'ack 5 up to'], '4 is not acked twice')
  await nextTurn()
  assert.equal(sent.length, 3, 'flush cancelled the scheduled one')
})

test('acks on a closed channel are reported, not thrown', async () => {
  const errors: unknown[] = []
  const channel = {
    ack() {
      throw new Error('Channel closed')
    },
  } as unknown as Channel
  const acks = createAckCoalescer(channel, (error) => errors.push(error))
  acks.delivered(message(1))
  acks.ack(message(1))
  await nextTurn()
  assert.equal(errors.length, 1)
})
