// PGlite runs initdb on every in-memory start: seconds of CPU and a transient of ~0.5 GB RSS (the
// initdb WebAssembly instance beside the server's), which the WebAssembly memory never gives back
// in full. A fresh cluster is the same every time for one PGlite version, so the first start keeps
// a tarball of it in a cache directory and later starts load that (PGlite's own `loadDataDir`)
// instead. Only the empty cluster is kept: each service still applies its own migrations.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { PGlite, type PGliteOptions } from '@electric-sql/pglite'
import type { Logger } from '../log/index.ts'

/** The PGlite version names the snapshot: another version may lay out its cluster differently. */
function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'))
  return String(manifest.version)
}

export function snapshotPath(dir: string): string {
  return join(dir, `fresh-cluster-${pgliteVersion()}.tar`)
}

// Read whole, not openAsBlob: PGlite takes the blob's arrayBuffer(), which a file-backed blob builds
// from chunks; that left ~40 MB more resident after start (312 vs 352 MB, PGlite alone).
async function readSnapshot(file: string): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(file)])
  } catch {
    return undefined
  }
}

/** Writes beside the target and renames, so processes starting together never read half a file. */
function writeSnapshot(file: string, tarball: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true })
  const partial = `${file}.${process.pid}.${Date.now()}.partial`
  try {
    writeFileSync(partial, tarball)
    renameSync(partial, file)
  } finally {
    rmSync(partial, { force: true })
  }
}

/**
 * An in-memory PGlite started from the snapshot in `dir`, or initialised afresh (and the snapshot
 * written) when there is none yet or it cannot be loaded. A cache that cannot be written costs the
 * next start its seconds, nothing else.
 */
export async function createSnapshotPglite(
  dir: string,
  options: PGliteOptions,
  log?: Logger,
): Promise<PGlite> {
  const file = snapshotPath(dir)
  const tarball = await readSnapshot(file)
  if (tarball) {
    try {
      return await PGlite.create({ ...options, loadDataDir: tarball })
    } catch (error) {
      log?.warn({ err: error, file }, 'embedded database snapshot unreadable; initialising afresh')
      rmSync(file, { force: true })
    }
  }
  const pg = await PGlite.create(options)
  try {
    const dump = await pg.dumpDataDir('none')
    writeSnapshot(file, new Uint8Array(await dump.arrayBuffer()))
    log?.info({ file }, 'embedded database snapshot written; later starts skip initdb')
  } catch (error) {
    log?.warn({ err: error, file }, 'embedded database snapshot not written')
  }
  return pg
}
