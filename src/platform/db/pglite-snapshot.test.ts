// The fresh-cluster snapshot: written on first use, loaded later, and an unreadable one replaced.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createLogger } from '../log/index.ts'
import { openDatabase } from './index.ts'
import { snapshotPath } from './pglite-snapshot.ts'

const log = createLogger({ level: 'silent', format: 'json' })

test('pglite snapshot replaces an unreadable snapshot with a fresh cluster and later starts load it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-pglite-snapshot-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = snapshotPath(dir)
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
