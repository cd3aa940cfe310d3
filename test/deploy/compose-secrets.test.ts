// The compose stack's exposure and secrets, and the migrate job: ports on loopback only, every
// password and the admin token from the .env that scripts/compose-env.sh generates, Grafana
// without anonymous access, and podman-compose (Debian's, where Docker is absent) reading the file.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse } from 'yaml'
import { readRepoFile, repoRoot } from '../support/deploy.ts'

interface Service {
  build?: unknown
  command?: string[]
  restart?: string
  ports?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition?: string }>
  read_only?: boolean
}
const FILE = 'deploy/compose/docker-compose.yml'
const text = readRepoFile(FILE)
const compose = parse(text, { merge: true }) as { services: Record<string, Service> }
const services = Object.entries(compose.services)
/** Services that declare PostgreSQL as a dependency (every one gets DATABASE_URL, few use it). */
const usesPostgres = (s: Service) => s.depends_on?.postgres !== undefined

/** Runs scripts/compose-env.sh into a temp dir and returns the variables it wrote. */
function generateEnv(dir: string): Record<string, string> {
  const result = spawnSync('bash', [`${repoRoot}scripts/compose-env.sh`, join(dir, '.env')], {
    encoding: 'utf8',
  })
  assert.equal(result.status, 0, result.stderr)
  assert.equal(statSync(join(dir, '.env')).mode & 0o077, 0, '.env is readable by its owner only')
  return Object.fromEntries(
    readFileSync(join(dir, '.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.split('=', 2) as [string, string]),
  )
}

test('compose publishes every port on 127.0.0.1 only', () => {
  for (const [name, service] of services)
    for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port}`)
})

test('compose takes every password and the admin token from .env, and the script generates them all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-compose-'))
  try {
    const generated = generateEnv(dir)
    const referenced = new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1] ?? ''))
    for (const name of [
      'POSTGRES_PASSWORD',
      'RABBITMQ_PASSWORD',
      'GRAFANA_ADMIN_PASSWORD',
      'BAKERY_ADMIN_TOKEN',
    ]) {
      assert.ok(referenced.has(name), `${name} is required from the environment`)
      assert.ok((generated[name] ?? '').length >= 32, `${name} is generated with 32+ characters`)
    }
    for (const name of referenced) assert.ok(generated[name], `${name} is not generated`)
    assert.notEqual(
      generateEnv(mkdtempSync(join(dir, 'again-'))).BAKERY_ADMIN_TOKEN,
      generated.BAKERY_ADMIN_TOKEN,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // No literal credential: every password and the token come from the generated .env.
  assert.doesNotMatch(text, /bakery-admin|guest:guest|PASSWORD: bakery\b|:bakery@/)
  const grafana = compose.services.grafana?.environment ?? {}
  assert.equal(grafana.GF_AUTH_ANONYMOUS_ENABLED, 'false')
  assert.equal(grafana.GF_AUTH_ANONYMOUS_ORG_ROLE, undefined)
})

test('compose bakery services listen on the container address, on a read-only root', () => {
  for (const [name, service] of services.filter(([, s]) => s.build !== undefined)) {
    assert.equal(service.environment?.HOST, '0.0.0.0', name)
    assert.equal(service.read_only, true, name)
  }
})

test('compose runs `bakery migrate` once, and every service that uses PostgreSQL waits for it', () => {
  const migrate = compose.services.migrate
  assert.ok(migrate?.build !== undefined, 'migrate uses the bakery image')
  assert.deepEqual(migrate.command, ['migrate'])
  assert.equal(migrate.restart, 'no')
  assert.equal(migrate.depends_on?.postgres?.condition, 'service_healthy')
  const users = services.filter(([name, s]) => name !== 'migrate' && s.build !== undefined && usesPostgres(s))
  assert.ok(users.length >= 5)
  for (const [name, service] of users)
    assert.equal(service.depends_on?.migrate?.condition, 'service_completed_successfully', name)
})

test('podman-compose reads the file: secrets from .env, migrate before the services, ports on loopback', {
  skip:
    process.env.CI !== 'true' &&
    spawnSync('podman-compose', ['--version']).status !== 0 &&
    'podman-compose missing',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-podman-compose-'))
  try {
    mkdirSync(join(dir, 'compose'))
    copyFileSync(`${repoRoot}${FILE}`, join(dir, 'compose/docker-compose.yml'))
    const generated = generateEnv(join(dir, 'compose'))
    // --dry-run prints the podman commands in start order without running anything.
    const result = spawnSync(
      'podman-compose',
      ['--dry-run', '-p', 'bakery', '-f', 'docker-compose.yml', 'up', '-d'],
      {
        cwd: join(dir, 'compose'),
        encoding: 'utf8',
        timeout: 60_000,
      },
    )
    assert.equal(result.status, 0, result.stderr)
    const runs = result.stdout.split('\n').filter((line) => line.startsWith('podman run '))
    const order = runs.map((line) => /--name=bakery_([\w-]+)_\d/.exec(line)?.[1])
    const migrateAt = order.indexOf('migrate')
    assert.ok(migrateAt >= 0, 'migrate runs')
    for (const name of ['reception', 'baker', 'payments', 'album-store'])
      assert.ok(order.indexOf(name) > migrateAt, `${name} starts after migrate`)
    const reception = runs.find((line) => line.includes('--name=bakery_reception_1')) ?? ''
    assert.ok(reception.includes(`BAKERY_ADMIN_TOKEN=${generated.BAKERY_ADMIN_TOKEN}`))
    assert.ok(reception.includes(`:${generated.POSTGRES_PASSWORD}@postgres:5432/`))
    assert.match(reception, /-p 127\.0\.0\.1:8000:8000/)
    assert.match(reception, /--read-only/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
