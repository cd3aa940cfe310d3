import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseFaultText } from './text.ts'
import { parseFault } from './validate.ts'

test('fault validation resolves a bare service to the seam that has the type', () => {
  assert.equal(parseFault({ target: 'baker', type: 'pool-cap' }, 't').spec?.target, 'baker.db')
  assert.equal(parseFault({ target: 'payments', type: 'error' }, 't').spec?.target, 'payments.http')
  assert.equal(
    parseFault({ target: 'event-api', type: 'produce-error' }, 't').spec?.target,
    'event-api.stream',
  )
  const spec = parseFault({ target: 'baker.db', type: 'pool-cap' }, 'cli').spec
  assert.deepEqual(spec?.params, { connections: 1 }, 'parameters default')
  assert.equal(spec?.rate, 1)
  assert.equal(spec?.by, 'cli')
})

test('fault validation names the bad target, seam, type or field and lists the valid ones', () => {
  const problems = (body: unknown) => parseFault(body, 't').problems?.join('; ') ?? ''
  assert.match(
    problems({ target: 'oven', type: 'error' }),
    /unknown service; valid: reception, baker, .*dashboard/,
  )
  assert.match(
    problems({ target: 'baker.http', type: 'error' }),
    /baker has no seam "http"; valid: baker\.db, baker\.queue/,
  )
  assert.match(
    problems({ target: 'baker.db', type: 'melt' }),
    /type "melt" is not a fault of seam db; valid: latency, error, pool-cap, refused/,
  )
  assert.match(
    problems({ target: 'baker', type: 'latency' }),
    /name the seam of "latency"; valid: baker\.db, baker\.cache/,
  )
  assert.match(
    problems({ target: 'baker.db', type: 'latency', colour: 1 }),
    /field "colour" is not a field of db latency; valid: .*ms, jitterMs/,
  )
  assert.match(
    problems({ target: 'baker.db', type: 'latency', ms: -1 }),
    /ms must be an integer from 0 to 600000/,
  )
  assert.match(problems({ target: 'baker.db', type: 'error', rate: 2 }), /rate must be a number from 0 to 1/)
  assert.match(
    problems({ target: 'baker.db', type: 'error', match: { pastry: 'x' } }),
    /match\.pastry is never seen by baker\.db; valid there: none/,
  )
  // A field the service's requests never carry would be stored and never hit.
  assert.match(
    problems({ target: 'album-store.http', type: 'error', match: { pastry: 'escargot' } }),
    /match\.pastry is never seen by album-store\.http; valid there: route, artist/,
  )
  assert.match(
    problems({ target: 'payments.http', type: 'error', match: { customer: 'ann' } }),
    /match\.customer is never seen by payments\.http; valid there: route/,
  )
  assert.equal(
    problems({ target: 'coffee-reception.http', type: 'error', match: { coffeeType: 'latte' } }),
    '',
  )
  assert.match(
    problems({ target: 'reception.http', type: 'error', match: { colour: 'x' } }),
    /match\.colour is not a match key; valid: route, pastry/,
  )
  assert.match(
    problems({ target: 'reception.http', type: 'error', schedule: { repeatEveryMs: 100 } }),
    /repeatEveryMs needs a schedule\.durationMs shorter/,
  )
  assert.match(
    problems({ target: 'reception.http', type: 'error', schedule: { when: 1 } }),
    /schedule\.when is not a schedule field; valid: startAfterMs, startAt/,
  )
  assert.match(problems([]), /a fault is a JSON object/)
})

test('fault text parses entries with fields, match and schedule, and reports each bad entry', () => {
  const { specs, problems } = parseFaultText(
    'baker.db:latency:ms=200,jitterMs=20,rate=0.5;reception.http:error:status=503,match.pastry=croissant,schedule.startAt=2030-01-01T00:00:00Z',
    'env',
  )
  assert.deepEqual(problems, [])
  assert.deepEqual(specs[0]?.params, { ms: 200, jitterMs: 20 })
  assert.equal(specs[0]?.rate, 0.5)
  assert.deepEqual(specs[1]?.match, { pastry: 'croissant' })
  assert.equal(specs[1]?.schedule?.startAt, '2030-01-01T00:00:00.000Z')
  const bad = parseFaultText('oven:error;baker.db:latency:ms;payments.http:error', 'env')
  assert.equal(bad.specs.length, 1)
  assert.equal(bad.problems.length, 2)
  assert.match(bad.problems[1] ?? '', /"baker\.db:latency:ms": "ms" is not <field>=<value>/)
  assert.equal(
    parseFaultText('[{"target":"payments","type":"reset"}]', 'env').specs[0]?.target,
    'payments.http',
  )
})
