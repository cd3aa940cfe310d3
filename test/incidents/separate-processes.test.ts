// An incident whose root cause is in another process: payments runs as its own `bakery payments`,
// the coffee flow and the incident runner in this process. The run places the payments fault on
// the payments process through its /admin/faults (found at its configured address), the symptom
// shows in this process's traces, and the fault is gone from payments when the run ends.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { createRemote } from '../../src/fault-cli/remote.ts'
import { startCli } from '../support/cli.ts'
import { freePort, stopProcess } from '../support/processes.ts'
import { runIncidentAndCheck } from './check-run.ts'
import { startIncidentStack } from './support.ts'

const TOKEN = 'incident-processes-test-token'

test('an incident places its fault on the process that runs the target service', async (t) => {
  const paymentsPort = await freePort()
  const env = {
    HOST: '127.0.0.1',
    BAKERY_ADMIN_TOKEN: TOKEN,
    BAKERY_PAYMENTS_PORT: String(paymentsPort),
    BAKERY_WORKER_PORT: '0',
  }
  const payments = startCli(['payments'], ['payments'], { ...env, LOG_LEVEL: 'info' })
  t.after(() => stopProcess(payments.child))
  const { payments: paymentsUrl } = await payments.urls
  assert.ok(paymentsUrl)
  const remote = () => createRemote(loadConfig(env), TOKEN, [paymentsUrl])
  const stack = await startIncidentStack(
    t,
    ['retry-storm'],
    { ...env, BAKERY_PAYMENTS_URL: paymentsUrl },
    { elsewhere: ['payments'], faultOwners: remote },
  )
  assert.equal(stack.infra.faults.localServices.has('payments'), false, 'payments is not in this process')
  const truth = await runIncidentAndCheck(t, stack, 'retry-storm', { seed: 11, durationS: 12 })
  const started = payments.lines.find((l) => l.msg === 'fault started')
  const ended = payments.lines.find((l) => l.msg === 'fault ended')
  assert.ok(started && ended, 'the payments process logs the start and the end of the fault')
  assert.equal((started.fault as { target: string }).target, 'payments.http')
  assert.equal(started.by, `incident ${truth.case_id}`)
  const left = await remote().call(paymentsUrl, 'GET', '/admin/faults')
  assert.deepEqual((left.body as { faults: unknown[] }).faults, [], 'nothing left on payments')
})

test('without a way to reach other processes, a fault for a service elsewhere fails the run, naming it', async (t) => {
  const stack = await startIncidentStack(t, ['one-pastry-fails'], {}, { elsewhere: ['reception'] })
  stack.runner.start({ name: 'one-pastry-fails', seed: 3, durationS: 5 })
  const done = await stack.runner.finished()
  assert.equal(done.state, 'failed')
  assert.match(done.error ?? '', /reception\.http error: reception does not run in this process/)
})
