import assert from 'node:assert/strict'
import { test } from 'node:test'
import { preferredWait } from './prefer.ts'

test('preferredWait reads wait=N among other preferences', () => {
  assert.equal(preferredWait('wait=5'), 5)
  assert.equal(preferredWait('respond-async, wait=10'), 10)
  assert.equal(preferredWait('handling=lenient; x=1, WAIT = "7"'), 7)
  assert.equal(preferredWait(['return=minimal', 'wait=3']), 3)
  assert.equal(preferredWait('wait=0'), 0)
})

test('preferredWait caps at 30 s and ignores what it cannot read', () => {
  assert.equal(preferredWait('wait=600'), 30)
  assert.equal(preferredWait('wait=-1'), undefined)
  assert.equal(preferredWait('wait=abc'), undefined)
  assert.equal(preferredWait('respond-async'), undefined)
  assert.equal(preferredWait(undefined), undefined)
})
