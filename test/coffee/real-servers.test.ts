// The coffee shop on the real PostgreSQL and RabbitMQ: protobuf on the topic exchange `orders`,
// the barista's queue `orders_barista`, order.Ready back to reception, dead letters on the broker.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect } from 'amqplib'
import { CREATED_KEY, decodeCreated, ORDERS_EXCHANGE } from '../../src/coffee/events.ts'
import { defer } from '../support/defer.ts'
import { isolatedDatabase, isolatedVhost } from '../support/isolated.ts'
import { requireServer } from '../support/servers.ts'
import { startShop } from './shop.ts'

test('coffee shop on PostgreSQL and RabbitMQ publishes protobuf order.Created and orders become ready', async (t) => {
  const pgUrl = await requireServer(t, 'postgres')
  const amqpUrl = pgUrl && (await requireServer(t, 'amqp'))
  if (!pgUrl || !amqpUrl) return
  const databaseUrl = await isolatedDatabase(t, pgUrl)
  const vhostUrl = await isolatedVhost(t, amqpUrl)

  // A tap on the seed's exchange and key sees what a seed barista would read.
  const conn = await connect(vhostUrl)
  defer(t, () => conn.close().catch(() => undefined))
  const channel = await conn.createChannel()
  await channel.assertExchange(ORDERS_EXCHANGE, 'topic', { durable: true })
  const tap = await channel.assertQueue('', { exclusive: true })
  await channel.bindQueue(tap.queue, ORDERS_EXCHANGE, CREATED_KEY)

  const shop = await startShop(t, { DATABASE_URL: databaseUrl, AMQP_URL: vhostUrl })
  const orders = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      shop.order({ name: `Guest ${i}`, items: [{ type: i % 2 ? 'latte' : 'espresso', size: 'medium' }] }),
    ),
  )
  const locations = orders.map((r) => {
    assert.equal(r.status, 201)
    return r.headers.get('location') ?? ''
  })
  for (const location of locations) {
    await shop.waitFor(`${location} ready`, async () => {
      const view = (await (await shop.get(location)).json()) as { status: string }
      return view.status === 'ready' ? true : undefined
    })
  }
  const message = await shop.waitFor('tapped message', async () => {
    const got = await channel.get(tap.queue, { noAck: true })
    return got === false ? undefined : got
  })
  assert.equal(message.properties.contentType, 'application/x-protobuf')
  assert.match(String(message.properties.headers?.traceparent ?? ''), /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
  const created = decodeCreated(message.content)
  assert.ok(locations.includes(`/orders/${created.id}`))
  assert.equal(created.items.length, 1)
  assert.equal(created.totalCents, created.items[0]?.type === 'latte' ? 350 : 200)

  await channel.publish(ORDERS_EXCHANGE, CREATED_KEY, Buffer.from('{"json":"is not protobuf"}'))
  await shop.waitFor('poison message dead-lettered', async () => {
    const dead = await channel.checkQueue('orders_barista.dead')
    return dead.messageCount >= 1 ? true : undefined
  })
})
