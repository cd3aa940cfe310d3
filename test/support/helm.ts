// helm for the offline chart checks: the binary scripts/provision.d/helm.sh caches (CI runs it
// in provisioning; a fresh local clone runs it here on first use, so the checks never skip).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { parseAllDocuments } from 'yaml'
import { repoRoot } from './deploy.ts'

const script = `${repoRoot}scripts/provision.d/helm.sh`
const version = /^version=(\S+)/m.exec(readFileSync(script, 'utf8'))?.[1]
const cacheRoot = process.env.BAKERY_CACHE ?? `${homedir()}/.cache/bakery`

export function helmBinary(): string {
  const binary = `${cacheRoot}/helm-${version}/helm`
  if (!existsSync(binary)) {
    const result = spawnSync('bash', [script], { encoding: 'utf8', timeout: 300_000 })
    if (result.status !== 0) throw new Error(`helm provisioning failed: ${result.stderr}${result.stdout}`)
  }
  return binary
}

export function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(helmBinary(), args, { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 })
}

export interface Manifest {
  apiVersion: string
  kind: string
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  [key: string]: unknown
}

/** `helm template` output as objects; throws with helm's message when rendering fails. */
export function renderChart(chart: string, valuesFiles: string[] = [], extra: string[] = []): Manifest[] {
  const args = ['template', 'bakery', chart, ...valuesFiles.flatMap((f) => ['-f', f]), ...extra]
  const result = helm(args)
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}`)
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null)
}
