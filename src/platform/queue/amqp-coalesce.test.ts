import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { type ChannelModel, connect } from 'amqplib'
import { requireServer } from '../../../test/support/servers.ts'
import { coalesceFrameWrites } from './amqp-coalesce.ts'

interface CountedSocket {
  _write: (...args: unknown[]) => void
  _writev: (...args: unknown[]) => void
}

/** Publishes `count` messages in one tick and returns how many socket writes carried them. */
async function socketWritesFor(conn: ChannelModel, count: number): Promise<number> {
  const socket = (conn as unknown as { connection: { stream: CountedSocket } }).connection.stream
  let writes = 0
  const write = socket._write.bind(socket)
  const writev = socket._writev.bind(socket)
  socket._write = (...args) => {
    writes++
    write(...args)
  }
  socket._writev = (...args) => {
    writes++
    writev(...args)
  }
  const channel = await conn.createConfirmChannel()
  const queue = `coalesce-${randomUUID()}`
  await channel.assertQueue(queue, { exclusive: true })
  writes = 0
  for (let i = 0; i < count; i++) channel.sendToQueue(queue, Buffer.from(`message ${i}`))
  await channel.waitForConfirms()
  const counted = writes
  await channel.close()
  return counted
}

test('coalesceFrameWrites sends the frames of many publishes in a few socket writes (real RabbitMQ)', async (t) => {
  const url = await requireServer(t, 'amqp')
  if (!url) return
  const plain = await connect(url)
  const coalesced = await connect(url)
  t.after(async () => {
    await plain.close()
    await coalesced.close()
  })
  assert.equal(coalesceFrameWrites(coalesced), true)
  const count = 200
  const before = await socketWritesFor(plain, count)
  const after = await socketWritesFor(coalesced, count)
  // Three frames per publish (method, header, body): one write each unless coalesced.
  assert.ok(before >= count, `without coalescing: ${before} writes for ${count} publishes`)
  assert.ok(after * 10 <= before, `coalesced: ${after} writes for ${count} publishes (plain: ${before})`)
})

test('coalesceFrameWrites leaves a connection of an unknown shape alone', () => {
  assert.equal(coalesceFrameWrites({} as ChannelModel), false)
  assert.equal(coalesceFrameWrites({ connection: { muxer: {} } } as unknown as ChannelModel), false)
})
