import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeEvent, parseEvent } from './event.ts'

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
