import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseBody } from './parse.ts'

const values = (parsed: ReturnType<typeof parseBody>) =>
  parsed.ok ? parsed.events.map((e) => JSON.parse(e.value.toString())) : parsed.message

test('parseBody accepts amounts as JSON strings or numbers and puts them on the topic as JSON strings, the seed record format', () => {
  const body = JSON.stringify([
    { time: 1, amount: '6.04' },
    { time: 2, amount: 5 },
  ])
  assert.deepEqual(values(parseBody('application/json; charset=utf-8', body, 10)), [
    { time: 1, amount: '6.04' },
    { time: 2, amount: '5' },
  ])
})

test('parseBody skips blank lines and names the bad line when a line is invalid', () => {
  const text = '{"time":1,"amount":"1"}\n\n{"time":2,"amount":"Infinity"}\n'
  assert.equal(
    values(parseBody('application/text', text, 10)),
    'line 3: amount must be a finite number or a numeric string',
  )
  assert.deepEqual(values(parseBody('application/text', '\n{"time":1,"amount":"2"}\n\n', 10)), [
    { time: 1, amount: '2' },
  ])
})

test('parseBody refuses non-arrays, bad times, empty amounts and too many events', () => {
  assert.equal(values(parseBody('application/json', '{"time":1}', 10)), 'body must be a JSON array of events')
  assert.match(
    String(values(parseBody('application/json', '[{"time":-1,"amount":1}]', 10))),
    /^event 1 .*time/,
  )
  assert.match(String(values(parseBody('application/json', '[{"time":1,"amount":" "}]', 10))), /amount/)
  assert.match(String(values(parseBody('application/json', '[1,2,3]', 2))), /3 events; at most 2/)
  assert.match(String(values(parseBody('text/plain', '1\n2\n3', 2))), /3 events; at most 2/)
  assert.equal(values(parseBody(undefined, '[]', 2)), 'unsupported content type (none)')
})
