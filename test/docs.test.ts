import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { withEnvTable } from '../scripts/env-table.ts'
import { schema } from '../src/config.ts'
import { ErrorCode } from '../src/platform/errors.ts'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')

test('README env table matches the config schema (npm run docs:env regenerates it)', () => {
  const readme = read('README.md')
  assert.equal(readme, withEnvTable(readme), 'README env table is stale: run npm run docs:env')
  for (const field of Object.values(schema)) assert.ok(readme.includes(`\`${field.env}\``), field.env)
})

test('docs/errors.md lists exactly the error codes in src/platform/errors.ts', () => {
  const documented = [...read('docs/errors.md').matchAll(/^\|\s*`(BKR_[A-Z_]+)`\s*\|/gm)].map((m) => m[1])
  assert.deepEqual([...documented].sort(), Object.values(ErrorCode).sort())
})
