// The last `bakery fault verify` result, kept on disk beside the admin token file so the dashboard
// of the same checkout shows it (the Drills page's "last self-test").
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { VerifyResult } from './result.ts'

const FILE = join('.bakery', 'fault-verify.json')

export interface VerifyReport {
  at: string
  results: VerifyResult[]
}

export function saveVerifyReport(results: VerifyResult[], file = FILE): void {
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), results } satisfies VerifyReport))
  } catch {
    // A read-only checkout: the table printed is the result.
  }
}

export function lastVerifyReport(file = FILE): VerifyReport | null {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as VerifyReport
    return Array.isArray(report.results) ? report : null
  } catch {
    return null
  }
}
