import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeConfig, loadConfig } from '../../config.ts'
import { BakeryError } from '../errors.ts'

test('config runs every service embedded when no variable is set', () => {
  const config = loadConfig({})
  assert.equal(config.databaseUrl.protocol, 'memory:')
  assert.equal(config.amqpUrl.protocol, 'memory:')
  assert.equal(config.redisUrl.protocol, 'memory:')
  assert.equal(config.kafkaBrokers, 'memory://')
  assert.equal(config.receptionPort, 8000)
  assert.equal(config.otlpEndpoint, undefined)
  assert.ok(Object.isFrozen(config))
})

test('config lists every invalid variable with its value and what is allowed', () => {
  assert.throws(
    () =>
      loadConfig({
        BAKERY_RECEPTION_PORT: '80000',
        LOG_LEVEL: 'loud',
        AMQP_URL: 'http://x',
        KAFKA_BROKERS: 'nohost',
      }),
    (error: unknown) => {
      assert.ok(error instanceof BakeryError)
      assert.equal(error.code, 'BKR_CONFIG_INVALID')
      assert.match(
        error.message,
        /BAKERY_RECEPTION_PORT="80000" is out of range; allowed: an integer from 0 to 65535/,
      )
      assert.match(error.message, /LOG_LEVEL="loud" is not allowed; allowed: one of fatal, error/)
      assert.match(error.message, /AMQP_URL=\[redacted\] has unsupported scheme http:/)
      assert.match(error.message, /KAFKA_BROKERS="nohost" has "nohost", not host:port/)
      assert.equal((error.details as string[]).length, 4)
      return true
    },
  )
})

test('config parses OTel variables the standard way', () => {
  const config = loadConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,team=ovens%20crew',
    OTEL_TRACES_SAMPLER: 'traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.25',
  })
  assert.equal(config.otlpEndpoint?.href, 'http://collector:4318/')
  assert.equal(config.otlpProtocol, 'http/json')
  assert.deepEqual(config.otelResourceAttributes, { 'deployment.environment': 'test', team: 'ovens crew' })
  assert.equal(config.tracesSampler, 'traceidratio')
  assert.equal(config.tracesSamplerArg, 0.25)
  assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).otlpProtocol, 'grpc')
  assert.throws(
    () => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/thrift' }),
    /allowed: one of http\/protobuf, http\/json, grpc/,
  )
})

test("config honours the seeds' own variable names when the standard ones are unset", () => {
  const config = loadConfig({
    RABBIT_HOST: 'rabbit:5672',
    RABBIT_USERNAME: 'baker',
    RABBIT_PASSWORD: 's3cret',
    DB_HOST: 'redis:6379',
    KAFKA_HOST: 'kafka',
    KAFKA_PORT: '29092',
  })
  assert.equal(config.amqpUrl.href, 'amqp://baker:s3cret@rabbit:5672')
  assert.equal(config.redisUrl.href, 'redis://redis:6379')
  assert.deepEqual(config.kafkaBrokers, ['kafka:29092'])
  assert.equal(loadConfig({ AMQP_URL: 'amqp://a', RABBIT_HOST: 'b' }).amqpUrl.href, 'amqp://a')
})

test('describeConfig redacts passwords and secret headers', () => {
  const shown = describeConfig(
    loadConfig({
      DATABASE_URL: 'postgres://bakery:hunter2@db:5432/bakery',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc123',
    }),
  )
  assert.equal(shown.DATABASE_URL, 'postgres://bakery:redacted@db:5432/bakery')
  assert.equal(shown.OTEL_EXPORTER_OTLP_HEADERS, 'api-key=[redacted]')
  assert.equal(shown.KAFKA_BROKERS, 'memory://')
  assert.ok(!JSON.stringify(shown).includes('hunter2'))
  assert.ok(!JSON.stringify(shown).includes('abc123'))
})

test('config lists a malformed BAKERY_FAULTS like any invalid variable, every bad entry named', () => {
  const cases = [
    {
      raw: 'payments.http:error:rate=abc',
      says: /"payments\.http:error:rate=abc": rate must be a number from 0 to 1/,
    },
    { raw: 'nope', says: /"nope": target "nope": unknown service; valid: reception/ },
    {
      raw: 'payments.http:error:colour=red',
      says: /field "colour" is not a field of http error; valid: .*status/,
    },
    {
      raw: 'payments.queue:redeliver',
      says: /payments has no seam "queue"; valid: payments\.http, payments\.db/,
    },
    { raw: 'baker.db:latency:ms', says: /"ms" is not <field>=<value>/ },
    { raw: '[{"target":1}]', says: /\[0\]: target is required/ },
  ]
  for (const { raw, says } of cases) {
    assert.throws(
      () => loadConfig({ BAKERY_FAULTS: raw, LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof BakeryError)
        assert.equal(error.code, 'BKR_CONFIG_INVALID')
        assert.match(error.message, says)
        assert.match(
          error.message,
          /allowed: <target>:<type>\[:<field>=<value>,\.\.\.\] entries separated by ";"/,
        )
        assert.equal((error.details as string[]).length, 2, 'listed with the other problems')
        return true
      },
      raw,
    )
  }
  assert.throws(
    () =>
      loadConfig({
        BAKERY_FAULTS: 'payments.http:error:rate=2;barista.db:latency:jitterMs=-1;payments.http:reset',
      }),
    /"payments\.http:error:rate=2": rate must be a number from 0 to 1; "barista\.db:latency:jitterMs=-1": jitterMs must be an integer from 0 to 600000/,
  )
  const valid = 'payments.http:reset;payments.http:error:rate=0.5'
  assert.equal(loadConfig({ BAKERY_FAULTS: valid }).faults, valid)
})
