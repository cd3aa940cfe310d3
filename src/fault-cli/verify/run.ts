// Runs the self-tests: for each, the signature must be absent before, present while the fault
// acts (set through the service's own /admin/faults), and gone within 2 s of clearing it.

import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { CHECKS, type Check } from './checks.ts'
import type { VerifyResult } from './result.ts'
import type { VerifyStack } from './stack.ts'

export type { VerifyResult }

const INJECT_WITHIN_MS = 4000
export const RECOVER_WITHIN_MS = 2000

async function admin(stack: VerifyStack, check: Check, method: string, body?: unknown, query = '') {
  const response = await fetch(`${stack.url(check.owner)}/admin/faults${query}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  if (response.status !== 200) {
    throw new BakeryError(
      ErrorCode.DEPENDENCY_FAILED,
      `${method} /admin/faults answered ${response.status}: ${text}`,
    )
  }
}

/** Probes until `want` is seen or `withinMs` passes; the time it took, or undefined. */
async function until(
  stack: VerifyStack,
  check: Check,
  want: boolean,
  withinMs: number,
): Promise<number | undefined> {
  const started = performance.now()
  for (;;) {
    const probeStarted = performance.now() - started
    if ((await check.probe(stack)) === want) return probeStarted
    if (performance.now() - started > withinMs) return undefined
    await sleep(100)
  }
}

export async function runCheck(stack: VerifyStack, check: Check): Promise<VerifyResult> {
  const result = { type: check.type, target: check.target, signature: check.signature, seenIn: check.seenIn }
  try {
    if (await check.probe(stack))
      return { ...result, ok: false, detail: 'the signature shows before the fault' }
    for (const fault of check.faults) await admin(stack, check, 'PUT', { ...fault, by: 'verify' })
    const seen = await until(stack, check, true, INJECT_WITHIN_MS)
    const service = check.target.split('.')[0] ?? ''
    await admin(stack, check, 'DELETE', undefined, `?target=${check.target}&by=verify`)
    if (seen === undefined) return { ...result, ok: false, detail: `not seen within ${INJECT_WITHIN_MS} ms` }
    const recovered = await until(stack, check, false, RECOVER_WITHIN_MS)
    if (recovered === undefined) {
      return { ...result, ok: false, detail: `${service} did not recover within ${RECOVER_WITHIN_MS} ms` }
    }
    return {
      ...result,
      ok: true,
      detail: `seen after ${Math.round(seen)} ms, recovered after ${Math.round(recovered)} ms`,
    }
  } catch (error) {
    await admin(stack, check, 'DELETE', undefined, `?target=${check.target}&by=verify`).catch(() => undefined)
    return { ...result, ok: false, detail: (error as Error).message }
  }
}

/** The exit fault ends its process: checked on a payments process of its own. */
export async function runExitCheck(env: Record<string, string | undefined>): Promise<VerifyResult> {
  const result = {
    type: 'exit',
    target: 'payments.process',
    signature: 'process exits with code 3 after ≥ 300 ms',
    seenIn: 'process exit code',
  }
  const cli = fileURLToPath(new URL('../../cli.ts', import.meta.url))
  const started = performance.now()
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [cli, 'payments'], {
      env: {
        ...env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        BAKERY_ADMIN_TOKEN: 'verify-exit',
        BAKERY_FAULTS: 'payments.process:exit:afterMs=300,code=3',
      },
      stdio: 'ignore',
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.once('exit', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  const ms = performance.now() - started
  const ok = code === 3 && ms >= 300
  return {
    ...result,
    ok,
    detail: ok ? `exited with 3 after ${Math.round(ms)} ms` : `exit code ${code} after ${Math.round(ms)} ms`,
  }
}

export function selectChecks(type: string | undefined, target: string | undefined): Check[] {
  return CHECKS.filter(
    (c) =>
      (type === undefined || c.type === type) &&
      (target === undefined || c.target === target || c.target.startsWith(`${target}.`)),
  )
}

export function formatTable(results: readonly VerifyResult[]): string {
  const rows = [
    ['type', 'target', 'signature', 'seen in', 'ok'],
    ...results.map((r) => [r.type, r.target, r.signature, r.seenIn, r.ok ? 'ok' : `FAIL: ${r.detail}`]),
  ]
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [
    line(rows[0] ?? []),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n')
}
