// `bakery migrate` as a user runs it, against a fresh PostgreSQL database: every system that owns
// a schema is registered (found by reading src/, so a new system's migrations cannot be left out),
// each schema is created with all its migrations, and a second run has nothing to do.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { loadConfig } from '../src/config.ts'
import { migrationSets } from '../src/migrations.ts'
import type { Migration } from '../src/platform/db/index.ts'
import { runCli } from './support/cli.ts'
import { isolatedDatabase } from './support/isolated.ts'
import { requireServer } from './support/servers.ts'

const SRC = new URL('../src/', import.meta.url)
const DECLARES_MIGRATIONS = /export const (\w+): readonly Migration\[\] =/g

/** Every migration list a system module under src/ exports (the platform's runner is no system). */
async function declaredMigrationLists(): Promise<Map<string, readonly Migration[]>> {
  const found = new Map<string, readonly Migration[]>()
  const root = SRC.pathname
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts') || entry.startsWith('platform')) continue
    const path = join(root, entry)
    const names = [...readFileSync(path, 'utf8').matchAll(DECLARES_MIGRATIONS)].map((m) => m[1] as string)
    if (names.length === 0) continue
    const module = (await import(pathToFileURL(path).href)) as Record<string, readonly Migration[]>
    for (const name of names)
      found.set(`${relative(root, path)}#${name}`, module[name] as readonly Migration[])
  }
  return found
}

test('every migration list in src/ is registered with bakery migrate', async () => {
  const config = loadConfig({})
  const registered = await Promise.all(migrationSets.map((set) => set.load(config)))
  const declared = await declaredMigrationLists()
  assert.ok(declared.size >= migrationSets.length, `found ${[...declared.keys()].join(', ')}`)
  for (const [where, list] of declared) {
    assert.ok(
      registered.some((set) => set.migrations === list),
      `${where} is not in src/migrations.ts`,
    )
  }
  const schemas = registered.map((set) => set.schema)
  assert.equal(new Set(schemas).size, schemas.length, `one schema per system: ${schemas.join(', ')}`)
})

test('bakery migrate gives a fresh database every schema, then has nothing to do', async (t) => {
  const server = await requireServer(t, 'postgres')
  if (!server) return
  const url = await isolatedDatabase(t, server)
  const env = { DATABASE_URL: url, LOG_LEVEL: 'silent' }
  const first = runCli(['migrate'], env)
  assert.equal(first.status, 0, first.stderr)
  const config = loadConfig(env)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const set of migrationSets) {
      const { schema, migrations } = await set.load(config)
      const versions = migrations.map((m) => m.version).sort((a, b) => a - b)
      const line = `${set.system} (schema ${schema}): applied ${versions.join(', ')}`
      assert.ok(first.stdout.split('\n').includes(line), `${line} in ${first.stdout}`)
      const { rows } = await client.query<{ version: number }>(
        `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
      )
      assert.deepEqual(
        rows.map((r) => Number(r.version)),
        versions,
        `${schema} has every migration`,
      )
    }
  } finally {
    // Closed here, before the database is dropped under it.
    await client.end()
  }
  const again = runCli(['migrate'], env)
  assert.equal(again.status, 0, again.stderr)
  assert.equal(again.stdout.match(/: up to date$/gm)?.length, migrationSets.length)
})
