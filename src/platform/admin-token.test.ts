import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { readAdminTokenFile, resolveAdminToken } from './admin-token.ts'
import { loadPlatformConfig as loadConfig } from './config/index.ts'
import { BakeryError, ErrorCode } from './errors.ts'

function tempDir(t: import('node:test').TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-token-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('admin token is generated once, kept 0600 for the CLI and reused by the next start', (t) => {
  const file = join(tempDir(t), '.bakery', 'admin-token')
  const first = resolveAdminToken(undefined, file)
  assert.equal(first.generated, true)
  assert.ok(first.value.length >= 32)
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.equal(readFileSync(file, 'utf8').trim(), first.value)
  assert.equal(readAdminTokenFile(file), first.value)
  assert.deepEqual(resolveAdminToken(undefined, file), first)
  const configured = resolveAdminToken('x'.repeat(40), file)
  assert.deepEqual(configured, { value: 'x'.repeat(40), generated: false })
})

test('admin token of concurrent first starts is one token', (t) => {
  const file = join(tempDir(t), 'admin-token')
  const script = `import { resolveAdminToken } from ${JSON.stringify(new URL('./admin-token.ts', import.meta.url).href)}
process.stdout.write(resolveAdminToken(undefined, ${JSON.stringify(file)}).value)`
  const runs = Array.from({ length: 4 }, () =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  )
  const tokens = new Set(runs.map((r) => r.stdout))
  assert.equal(tokens.size, 1, runs.map((r) => r.stderr).join('\n'))
})

test('config stops start-up on a short admin token when HOST is not loopback, and on a blank one', () => {
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig(env)
      return undefined
    } catch (error) {
      assert.ok(error instanceof BakeryError)
      assert.equal(error.code, ErrorCode.CONFIG_INVALID)
      assert.ok(!error.message.includes('short-token'), 'the token itself is never echoed')
      return error.message
    }
  }
  assert.match(
    problem({ HOST: '0.0.0.0', BAKERY_ADMIN_TOKEN: 'short-token' }) ?? '',
    /shorter than 32 characters/,
  )
  assert.match(problem({ HOST: '0.0.0.0', BAKERY_ADMIN_TOKEN: 'a' }) ?? '', /BAKERY_ADMIN_TOKEN=\[redacted\]/)
  assert.match(problem({ BAKERY_ADMIN_TOKEN: ' ' }) ?? '', /whitespace/)
  assert.equal(problem({ HOST: '0.0.0.0', BAKERY_ADMIN_TOKEN: 'k'.repeat(32) }), undefined)
  assert.equal(problem({ HOST: '127.0.0.1', BAKERY_ADMIN_TOKEN: 'short-token' }), undefined)
  assert.equal(loadConfig({}).host, '127.0.0.1')
})
