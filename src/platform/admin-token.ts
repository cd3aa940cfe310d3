// The admin token of a process: BAKERY_ADMIN_TOKEN, else the one kept in BAKERY_ADMIN_TOKEN_FILE,
// else a fresh random one written there (mode 0600). Keeping it on disk lets the CLI and the next
// start use the same token without it ever appearing in a log line.
import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface AdminToken {
  readonly value: string
  /** Generated (or read back from the file) rather than configured: the login link shows it. */
  readonly generated: boolean
}

export function resolveAdminToken(configured: string | undefined, file: string): AdminToken {
  if (configured !== undefined) return { value: configured, generated: false }
  const kept = readAdminTokenFile(file)
  if (kept) return { value: kept, generated: true }
  return { value: persistNewToken(file), generated: true }
}

/** The token kept in `file`, or undefined when there is none (for the CLI). */
export function readAdminTokenFile(file: string): string | undefined {
  try {
    const value = readFileSync(file, 'utf8').trim()
    return value === '' ? undefined : value
  } catch {
    return undefined
  }
}

function persistNewToken(file: string): string {
  const token = randomBytes(32).toString('base64url')
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  // Written aside then linked into place: link fails when another process won the race, and a
  // reader never sees a half-written file.
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(aside, `${token}\n`, { mode: 0o600 })
  try {
    linkSync(aside, file)
    return token
  } catch {
    return readAdminTokenFile(file) ?? token
  } finally {
    rmSync(aside, { force: true })
  }
}

/** The token a CLI command sends: BAKERY_ADMIN_TOKEN, else the one `bakery start` generated. */
export function cliAdminToken(config: { adminToken: string | undefined; adminTokenFile: string }) {
  return config.adminToken ?? readAdminTokenFile(config.adminTokenFile)
}
