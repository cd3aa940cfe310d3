import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { services } from '../src/services.ts'
import { runCli, startCli } from './support/cli.ts'

test('bakery --help lists every service and command', () => {
  const result = runCli(['--help'])
  assert.equal(result.status, 0)
  for (const service of services) assert.match(result.stdout, new RegExp(`\\b${service.name}\\b`))
  assert.match(result.stdout, /start \[service\.\.\.\]/)
  assert.match(result.stdout, /config/)
})

test('bakery config prints the effective configuration with secrets redacted', () => {
  const result = runCli(['config'], {
    DATABASE_URL: 'postgres://u:topsecret@db/bakery',
    BAKERY_RECEPTION_PORT: '8100',
  })
  assert.equal(result.status, 0)
  assert.match(result.stdout, /BAKERY_RECEPTION_PORT\s+8100/)
  assert.match(result.stdout, /DATABASE_URL\s+postgres:\/\/u:redacted@db\/bakery/)
  assert.ok(!result.stdout.includes('topsecret'))
})

test('bakery refuses to start on a wrong value, naming the variable', () => {
  const result = runCli(['start'], { BAKERY_RECEPTION_PORT: 'eighty' })
  assert.equal(result.status, 2)
  assert.match(
    result.stderr,
    /BAKERY_RECEPTION_PORT="eighty" is not an integer; allowed: an integer from 0 to 65535/,
  )
})

test('bakery refuses to start on malformed BAKERY_FAULTS with a config error listing every bad entry', () => {
  const result = runCli(['start'], {
    BAKERY_FAULTS: 'payments.http:error:rate=abc;oven:latency;baker.db:latency:ms=5;baker.db:zap',
  })
  assert.equal(result.status, 2)
  assert.match(result.stderr, /"payments\.http:error:rate=abc": rate must be a number from 0 to 1/)
  assert.match(result.stderr, /"oven:latency": target "oven": unknown service; valid: reception, baker/)
  assert.match(
    result.stderr,
    /"baker\.db:zap": type "zap" is not a fault of seam db; valid: latency, error, pool-cap, refused/,
  )
  assert.doesNotMatch(result.stderr, /baker\.db:latency:ms=5"/, 'the valid entry is not listed')
  assert.match(result.stderr, /allowed: <target>:<type>\[:<field>=<value>,\.\.\.\]/)
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace')
})

test('bakery rejects an unknown service', () => {
  const result = runCli(['start', 'oven'])
  assert.equal(result.status, 2)
  assert.match(result.stderr, /unknown service oven/)
})

test('bakery start serves the reception and stops cleanly on SIGTERM', async (t) => {
  const cli = startCli(['start', 'reception'], ['reception'], {
    BAKERY_RECEPTION_PORT: '0',
    HOST: '127.0.0.1',
  })
  t.after(() => cli.child.kill('SIGKILL'))
  const urls = await cli.urls
  const response = await fetch(`${urls.reception}/`)
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
  assert.deepEqual(await response.json(), { message: 'reception is attended' })
  assert.equal((await fetch(`${urls.reception}/healthz`)).status, 200)
  cli.child.kill('SIGTERM')
  const [code] = await once(cli.child, 'exit')
  assert.equal(code, 0)
})
