import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeEvent, encodeEvents, parseEvent } from './event.ts'

test('stream record on the topic is the seed format, amount a JSON string, and consumers read both forms', () => {
  const record = JSON.parse(encodeEvent({ time: 1700000000123, amount: 4.25 }).toString()) as Record<
    string,
    unknown
  >
  assert.deepEqual(record, { time: 1700000000123, amount: '4.25' })
  // What a seed consumer does: the string field parsed as a float.
  assert.equal(Number.parseFloat(record.amount as string), 4.25)
  for (const text of ['{"time":5,"amount":"7.5"}', '{"time":5,"amount":7.5}']) {
    assert.deepEqual(parseEvent(text), { ok: true, event: { time: 5, amount: 7.5 } })
  }
  assert.deepEqual(parseEvent(encodeEvent({ time: 9, amount: 1e21 }).toString()), {
    ok: true,
    event: { time: 9, amount: 1e21 },
  })
})

test('a batch encodes to the same record bytes as its events one by one', () => {
  const events = [
    { time: 0, amount: 0 },
    { time: 1700000000123, amount: -4.25 },
    { time: 9_223_372_036_853, amount: 1e21 },
    { time: 5, amount: 5e-7 },
  ]
  const batch = encodeEvents(events)
  assert.equal(batch.length, events.length)
  for (const [i, event] of events.entries()) assert.deepEqual(batch[i], encodeEvent(event))
  assert.deepEqual(encodeEvents([]), [])
})
