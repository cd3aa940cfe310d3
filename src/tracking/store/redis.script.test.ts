import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Redis } from 'ioredis'
import { script } from './redis.ts'

test('tracking script is loaded with EVAL when Redis does not know its SHA (a restart forgets scripts)', async () => {
  const calls: string[] = []
  const fake = {
    async evalsha() {
      calls.push('evalsha')
      throw new Error('NOSCRIPT No matching script. Please use EVAL.')
    },
    async eval(source: string, keys: number, ...args: unknown[]) {
      calls.push('eval')
      return [source.trim(), keys, ...args]
    },
  } as unknown as Redis
  const run = script(fake, ' return 1 ')
  assert.deepEqual(await run(['k'], [1, 'a']), ['return 1', 1, 'k', 1, 'a'])
  assert.deepEqual(calls, ['evalsha', 'eval'])
  const failing = script(
    {
      async evalsha() {
        throw new Error('WRONGTYPE')
      },
    } as unknown as Redis,
    'return 1',
  )
  await assert.rejects(failing([], []), /WRONGTYPE/)
})
