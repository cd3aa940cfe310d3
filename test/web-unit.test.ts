// The web app's unit tests use vitest (STYLE.md: vitest only in web/); this runs them as part of
// `npm test` so one command covers everything.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'

test('web unit tests (vitest) pass when run from npm test', () => {
  const vitest = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname
  const result = spawnSync(process.execPath, [vitest, 'run', '--root', 'web', '--reporter', 'dot'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 120_000,
  })
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`)
  assert.match(result.stdout, /Tests\s+\d+ passed/)
})
