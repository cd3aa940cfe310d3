import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mergeNotifyFlags } from './notify-flags.ts'

test('mergeNotifyFlags adds only the missing flags when others are set', () => {
  assert.equal(mergeNotifyFlags('', 'K$'), 'K$')
  assert.equal(mergeNotifyFlags('Ex', 'K$'), 'ExK$')
  assert.equal(mergeNotifyFlags('KEA', 'K$'), undefined)
  assert.equal(mergeNotifyFlags('K$h', 'K$'), undefined)
  assert.equal(mergeNotifyFlags('EA', 'K$'), 'EAK')
})
