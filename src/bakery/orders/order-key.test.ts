import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ORDER_KEY } from './message.ts'
import { newOrderKey } from './order-key.ts'

test('order keys are 32 hex digits and do not repeat across pool refills', () => {
  const keys = new Set<string>()
  for (let i = 0; i < 2000; i++) {
    const key = newOrderKey()
    assert.match(key, ORDER_KEY)
    keys.add(key)
  }
  assert.equal(keys.size, 2000)
})
