import assert from 'node:assert/strict'
import { test } from 'node:test'
import { catalogue } from './catalogue.ts'
import { LEVELS, REASONS } from './model.ts'
import { planIncident } from './plan.ts'

test('plan gives the same schedule, parameters and load for the same seed', () => {
  for (const incident of catalogue) {
    assert.deepEqual(planIncident(incident, 1234), planIncident(incident, 1234), incident.name)
  }
})

test('plan picks other values from the ranges for another seed', () => {
  const differ = catalogue.filter(
    (incident) => JSON.stringify(planIncident(incident, 1)) !== JSON.stringify(planIncident(incident, 2)),
  )
  assert.ok(differ.length >= catalogue.length - 1, 'seeds vary the plans')
})

test('plan resolves every range inside its bounds and the injection inside the run', () => {
  for (const incident of catalogue) {
    for (const seed of [0, 7, 99, 2 ** 31 - 1]) {
      const plan = planIncident(incident, seed)
      assert.ok(plan.injectS >= 0 && plan.injectS < plan.durationS, incident.name)
      for (const fault of plan.faults) {
        for (const value of Object.values(fault.params)) assert.notEqual(typeof value, 'object')
        assert.ok(fault.startS <= fault.endS)
      }
      for (const load of plan.load) assert.ok(load.rate > 0)
    }
  }
})

test('catalogue has at least ten incidents with a story, a valid root cause and signals; several have decoys', () => {
  assert.ok(catalogue.length >= 10)
  assert.equal(new Set(catalogue.map((i) => i.name)).size, catalogue.length)
  for (const incident of catalogue) {
    assert.ok(incident.title && incident.symptom && incident.fix, incident.name)
    assert.ok(incident.hints.length >= 2, incident.name)
    assert.ok((LEVELS as readonly string[]).includes(incident.rootCause.level))
    assert.ok((REASONS as readonly string[]).includes(incident.rootCause.reason))
    assert.ok(incident.signals.length > 0)
    assert.ok(
      incident.faults.length > 0 || incident.load.some((l) => l.causal),
      `${incident.name} has a cause`,
    )
  }
  assert.ok(catalogue.filter((i) => i.decoys.length > 0).length >= 5)
})

test('docs/incidents.md has a catalogue row for every incident with its root cause', async () => {
  const { readFile } = await import('node:fs/promises')
  const doc = await readFile(new URL('../../docs/incidents.md', import.meta.url), 'utf8')
  for (const incident of catalogue) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${incident.name}\` |`))
    assert.ok(row, `${incident.name} is in the table`)
    const { component, level, reason } = incident.rootCause
    assert.ok(
      row.includes(`\`${component}\` · ${level} · ${reason}`),
      `${incident.name} root cause in the table`,
    )
  }
})
