// The admin token as an operator meets it: `bakery start` prints a login link, the token is kept
// for the CLI, and no log line carries it.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { stopProcess, waitFor } from '../support/processes.ts'

test('bakery start prints a login link with the generated token, keeps it 0600 and never logs it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-hygiene-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const tokenFile = join(dir, 'admin-token')
  const child = spawn(process.execPath, ['src/cli.ts', 'start', 'dashboard', 'payments'], {
    env: {
      ...process.env,
      BAKERY_ADMIN_TOKEN: '',
      BAKERY_ADMIN_TOKEN_FILE: tokenFile,
      BAKERY_DASHBOARD_PORT: '0',
      BAKERY_DASHBOARD_OTLP_GRPC_PORT: '0',
      BAKERY_PAYMENTS_PORT: '0',
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(() => stopProcess(child))
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const link = await waitFor(
    'the login link',
    30_000,
    async () => /Bakery dashboard: (\S+)/.exec(stderr)?.[1],
  )
  const loginUrl = new URL(link)
  const token = loginUrl.searchParams.get('t') ?? ''
  assert.ok(token.length >= 32, 'a generated token is long')
  assert.equal(loginUrl.hostname, '127.0.0.1', 'bound to loopback by default')
  assert.equal(readFileSync(tokenFile, 'utf8').trim(), token)
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600)

  const login = await fetch(link, { redirect: 'manual' })
  assert.equal(login.status, 303)
  // Requests that carry the token, right and wrong, leave no trace of it in the logs.
  await fetch(`${loginUrl.origin}/api/load`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  })
  await fetch(`${loginUrl.origin}/api/load`, {
    method: 'DELETE',
    headers: { authorization: 'Bearer wrong-guess' },
  })
  await stopProcess(child)
  assert.ok(stdout.includes('"listening"'), 'the logs were captured')
  assert.ok(!stdout.includes(token), 'the token is not in the logs')
  assert.equal(stderr.split(token).length - 1, 1, 'the token is shown once, in the login link')
})
