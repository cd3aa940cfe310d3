import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs'
import { loadPlatformConfig } from '../config/index.ts'
import { createLogExport, logsExported, severityOf } from './log-export.ts'

test('a pino record becomes an OTLP log record with its span context, severity, fields and service resource', async () => {
  const exporter = new InMemoryLogRecordExporter()
  const config = loadPlatformConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:3000' })
  const logs = createLogExport(config, exporter, (service) =>
    resourceFromAttributes({ 'service.name': service }),
  )
  logs.emit({
    level: 'warn',
    time: '2026-01-02T03:04:05.678Z',
    service: 'baker',
    msg: 'order processing failed',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    pid: 42,
    hostname: 'oven',
    order_key: 'k-1',
    err: { message: 'burnt' },
  })
  logs.emit({ level: 30, service: 'reception', msg: 'listening', trace_id: 'nope' })
  await logs.flush()
  const [failed, listening] = exporter.getFinishedLogRecords()
  assert.equal(failed?.body, 'order processing failed')
  assert.equal(failed?.severityNumber, 13)
  assert.equal(failed?.severityText, 'WARN')
  assert.deepEqual(failed?.hrTime, [Date.parse('2026-01-02T03:04:05.678Z') / 1000 - 0.678, 678_000_000])
  assert.equal(failed?.spanContext?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736')
  assert.equal(failed?.spanContext?.spanId, '00f067aa0ba902b7')
  assert.deepEqual(failed?.attributes, { order_key: 'k-1', err: '{"message":"burnt"}' })
  assert.equal(failed?.resource.attributes['service.name'], 'baker')
  assert.equal(listening?.severityNumber, 9)
  assert.equal(listening?.spanContext, undefined)
  assert.equal(listening?.resource.attributes['service.name'], 'reception')
  await logs.shutdown()
})

test('logs are exported only with an OTLP endpoint, OTEL_LOGS_EXPORTER=otlp and the SDK on', () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }
  assert.equal(logsExported(loadPlatformConfig(endpoint)), true)
  assert.equal(logsExported(loadPlatformConfig({})), false)
  assert.equal(logsExported(loadPlatformConfig({ ...endpoint, OTEL_LOGS_EXPORTER: 'none' })), false)
  assert.equal(logsExported(loadPlatformConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' })), false)
  assert.throws(() => loadPlatformConfig({ OTEL_LOGS_EXPORTER: 'console' }), /OTEL_LOGS_EXPORTER/)
})

test('pino levels map to the first OTLP severity of their range', () => {
  assert.deepEqual([10, 20, 30, 40, 50, 60].map(severityOf), [1, 5, 9, 13, 17, 21])
})
