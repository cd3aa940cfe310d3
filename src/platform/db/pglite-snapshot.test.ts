// The fresh-cluster snapshot: written on first use, loaded later, and an unreadable one replaced.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { promisify } from 'node:util'
import { createLogger } from '../log/index.ts'
import { openDatabase } from './index.ts'
import { snapshotPath } from './pglite-snapshot.ts'

const log = createLogger({ level: 'silent', format: 'json' })
// One directory for the file: initdb, the slow part, runs once.
const dir = mkdtempSync(join(tmpdir(), 'bakery-pglite-snapshot-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const file = snapshotPath(dir)

test('pglite snapshot replaces an unreadable snapshot with a fresh cluster and later starts load it', async (t) => {
  mkdirSync(dir, { recursive: true })
  writeFileSync(file, 'not a tarball')

  const first = await openDatabase(new URL('memory://'), { poolSize: 1, log, pgliteSnapshotDir: dir })
  await first.exec('CREATE TABLE kept_out (id int)')
  await first.close()
  assert.ok(statSync(file).size > 1_000_000, 'a fresh cluster was written over the unreadable file')

  const second = await openDatabase(new URL('memory://'), { poolSize: 1, log, pgliteSnapshotDir: dir })
  t.after(() => second.close())
  const { rows } = await second.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept_out'",
  )
  assert.equal(rows[0]?.n, 0, 'the snapshot is the fresh cluster, not what the first database did')
  await second.exec('CREATE TABLE t (id int); INSERT INTO t VALUES (1)')
  assert.deepEqual((await second.query('SELECT id FROM t')).rows, [{ id: 1 }])
})

// The snapshot is of a running cluster, so a start from it runs recovery, which left PostgreSQL's
// startup-progress timer re-arming every 10 s: a process that never closed its database never ended.
test('pglite snapshot start lets the process exit when the database is left open', async () => {
  assert.ok(statSync(file).size > 1_000_000, 'the test above wrote the snapshot')
  const written = statSync(file).mtimeMs
  const script = `
    import { createLogger } from ${JSON.stringify(new URL('../log/index.ts', import.meta.url).href)}
    import { openDatabase } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)}
    const log = createLogger({ level: 'silent', format: 'json' })
    const db = await openDatabase(new URL('memory://'), { poolSize: 1, log, pgliteSnapshotDir: ${JSON.stringify(dir)} })
    await db.query('SELECT 1')
  `
  const started = performance.now()
  // Loading takes ~1.5 s; a hang is for ever, so the bound only has to leave a busy machine room.
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 })
  assert.ok(performance.now() - started < 60_000)
  assert.equal(statSync(file).mtimeMs, written, 'the child loaded the snapshot, it did not write one')
})
