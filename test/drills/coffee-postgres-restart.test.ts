// Drill: PostgreSQL restarts under load. Orders that reach the database while it is down are
// refused with 503 (not stored, the client may retry); every order answered 201 ends ready once.
import { execFile } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { runLoad, sleep, startStack, verdict } from '../support/coffee-drill.ts'
import { reachable } from '../support/servers.ts'

const run = promisify(execFile)
const version = () => readdirSync('/etc/postgresql')[0] ?? '15'
const pgctl = (action: string) =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', version(), 'main', action], { timeout: 120_000 })

async function waitForPostgres(): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const ready = await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '1']).then(
      () => true,
      () => false,
    )
    if (ready) return
    await sleep(250)
  }
  throw new Error('PostgreSQL did not come back within 60 s')
}

test('coffee drill: PostgreSQL restart under load loses and doubles nothing', async (t) => {
  const stack = await startStack(t, { baristas: 2 })
  if (!stack) return
  t.after(async () => {
    if (!(await reachable('127.0.0.1', 5432))) await pgctl('start').catch(() => undefined)
    await waitForPostgres()
  })
  let faultEndedAt = 0
  const drill = (async () => {
    await sleep(3000)
    await pgctl('restart')
    await waitForPostgres()
    faultEndedAt = Date.now()
  })()
  const load = await runLoad(() => stack.receptionUrl, 15, 15_000)
  await drill
  await verdict(t, 'postgresql restart', stack, load, faultEndedAt)
})
