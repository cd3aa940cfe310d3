import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type FaultSpec, parseFault } from './index.ts'
import { createFaultRegistry, hit } from './registry.ts'

function spec(body: Record<string, unknown>): FaultSpec {
  const parsed = parseFault(body, 'test')
  assert.equal(parsed.problems, undefined, parsed.problems?.join('; '))
  return parsed.spec as FaultSpec
}

test('fault registry fills the seam slot while a fault acts and empties it when cleared', () => {
  const faults = createFaultRegistry()
  const slot = faults.slot('baker', 'db')
  assert.equal(slot.active.length, 0)
  const state = faults.set(spec({ target: 'baker.db', type: 'latency', ms: 50 }))
  assert.equal(state.active, true)
  assert.equal(state.id, 'baker.db:latency')
  assert.equal(slot.active.length, 1)
  assert.equal(hit(slot, 'latency')?.params.ms, 50)
  assert.equal(hit(slot, 'error'), undefined)
  assert.equal(faults.slot('reception', 'db').active.length, 0, 'another service is untouched')
  faults.set(spec({ target: 'baker.db', type: 'latency', ms: 80 }))
  assert.equal(faults.list().length, 1, 'the same target and type is replaced, not added')
  assert.equal(faults.clear({ target: 'baker' }, 'test').length, 1)
  assert.equal(slot.active.length, 0)
})

test('fault registry hits only the share of calls its rate says and only the calls its match names', () => {
  const faults = createFaultRegistry()
  faults.set(spec({ target: 'reception.http', type: 'error', rate: 0.5, match: { pastry: 'croissant' } }))
  const slot = faults.slot('reception', 'http')
  let hits = 0
  for (let i = 0; i < 2000; i++) if (hit(slot, 'error', { pastry: 'croissant' })) hits++
  assert.ok(hits > 800 && hits < 1200, `about half the croissants (${hits} of 2000)`)
  for (let i = 0; i < 200; i++) assert.equal(hit(slot, 'error', { pastry: 'bagel' }), undefined)
  assert.equal(hit(slot, 'error', {}), undefined, 'a call without the attribute does not match')
})

test('fault schedule starts after its delay, ends after its duration and repeats its count', async () => {
  const faults = createFaultRegistry()
  const events: string[] = []
  faults.onEvent((e) => events.push(`${e.kind}:${e.fault.type}`))
  faults.set(
    spec({
      target: 'payments.http',
      type: 'reset',
      schedule: { startAfterMs: 30, durationMs: 30, repeatEveryMs: 80, repeatCount: 2 },
    }),
  )
  const slot = faults.slot('payments', 'http')
  assert.equal(slot.active.length, 0, 'not before its start')
  assert.ok(faults.list()[0]?.nextChange, 'the next change is listed')
  await new Promise((resolve) => setTimeout(resolve, 45))
  assert.equal(slot.active.length, 1, 'acting in its first window')
  await new Promise((resolve) => setTimeout(resolve, 30))
  assert.equal(slot.active.length, 0, 'off after its duration')
  await new Promise((resolve) => setTimeout(resolve, 150))
  assert.deepEqual(events, ['set:reset', 'start:reset', 'end:reset', 'start:reset', 'end:reset'])
  assert.deepEqual(faults.list(), [], 'gone after its last repeat')
})
