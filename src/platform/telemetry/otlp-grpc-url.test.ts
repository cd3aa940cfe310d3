import assert from 'node:assert/strict'
import { test } from 'node:test'
import { otlpGrpcUrl } from './telemetry.ts'

test('OTLP/gRPC endpoint takes the spec port 4317 when it names none, and no signal path', () => {
  assert.equal(otlpGrpcUrl(new URL('http://collector')), 'http://collector:4317')
  assert.equal(otlpGrpcUrl(new URL('http://collector:14317/ignored')), 'http://collector:14317')
  assert.equal(otlpGrpcUrl(new URL('https://otel.example')), 'https://otel.example:4317')
  assert.equal(otlpGrpcUrl(undefined), 'http://localhost:4317')
})
