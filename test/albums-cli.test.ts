// `bakery seed-albums` as a user runs it, against a fresh PostgreSQL
// database (created and dropped here, so the fixed schema name cannot clash with anyone).
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import pg from 'pg'
import { runCli, startCli } from './support/cli.ts'
import { requireServer } from './support/servers.ts'

async function freshDatabase(t: Parameters<typeof requireServer>[0]): Promise<string | undefined> {
  const server = await requireServer(t, 'postgres')
  if (!server) return undefined
  const name = `bakery_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  t.after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  })
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.href
}

test('bakery seed-albums appends N albums in batches that the store then pages through', async (t) => {
  const url = await freshDatabase(t)
  if (!url) return
  const env = { DATABASE_URL: url, LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '4' }
  const seeded = runCli(['seed-albums', '--count', '12000', '--batch', '5000'], env)
  assert.equal(seeded.status, 0, seeded.stderr)
  assert.match(seeded.stdout, /^seeded 12000 albums \(ids 4–12003\) in [\d.]+ s$/m)
  const bad = runCli(['seed-albums', '--count', 'many'], env)
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /--count must be an integer/)

  const cli = startCli(['album-store'], ['album-store'], { ...env, PORT: '0', LOG_LEVEL: 'info' })
  t.after(() => cli.child.kill('SIGTERM'))
  const { 'album-store': base } = await cli.urls
  const last = await fetch(`${base}/albums/12003`)
  assert.equal(last.status, 200)
  const album = (await last.json()) as { artist: string; price: number }
  assert.match(album.artist, /^\w+ \w+$/)
  assert.ok(album.price > 0)
})
