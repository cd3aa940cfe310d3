import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { loadPlatformConfig as loadConfig } from '../config/index.ts'
import { createTelemetry } from '../telemetry/index.ts'
import { createLogging } from './logger.ts'

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      callback()
    },
  })
  return { lines, destination }
}

test('log lines are JSON carrying the service name, and trace ids inside a span', async () => {
  const { lines, destination } = capture()
  const logging = createLogging({ level: 'info', format: 'json', destination })
  const log = logging.forService('baker')
  const { tracer } = createTelemetry(loadConfig({})).forService('baker')

  log.info({ orderKey: 'abc' }, 'outside')
  const ids = tracer.startActiveSpan('work', (span) => {
    log.info('inside')
    span.end()
    return span.spanContext()
  })

  assert.equal(lines.length, 2)
  const [outside, inside] = lines
  assert.equal(outside?.service, 'baker')
  assert.equal(outside?.level, 'info')
  assert.equal(outside?.orderKey, 'abc')
  assert.equal(outside?.trace_id, undefined)
  assert.equal(inside?.msg, 'inside')
  assert.equal(inside?.trace_id, ids.traceId)
  assert.equal(inside?.span_id, ids.spanId)
  assert.match(String(inside?.time), /^\d{4}-\d\d-\d\dT/)
})

test('log lines never carry secrets', () => {
  const { lines, destination } = capture()
  const log = createLogging({ level: 'info', format: 'json', destination }).root
  log.info(
    {
      password: 'hunter2',
      headers: { authorization: 'Bearer abc', cookie: 'bakery_session=c00k1e' },
      user: { token: 't0k' },
      adminToken: 'adm1n',
      env: { BAKERY_ADMIN_TOKEN: 'env-t0ken' },
    },
    'login',
  )
  const text = JSON.stringify(lines)
  assert.ok(!text.includes('hunter2'))
  assert.ok(!text.includes('Bearer abc'))
  assert.ok(!text.includes('t0k'))
  assert.ok(!text.includes('c00k1e'))
  assert.ok(!text.includes('adm1n'))
  assert.equal(lines[0]?.password, '[redacted]')
  assert.equal(lines[0]?.service, 'bakery')
})
