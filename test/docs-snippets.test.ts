// Every shell block of the README and docs/ marked `<!-- runnable -->` (the line before its fence)
// runs as written against a started stack (`bakery start`, everything embedded, as `npm start`).
// The stack listens on free ports; the snippets' default ports (localhost:8000 …) are mapped to them.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { globSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { schema } from '../src/config.ts'
import { startCli } from './support/cli.ts'
import { freePort, stopProcess, waitFor } from './support/processes.ts'

const root = new URL('../', import.meta.url).pathname

interface Snippet {
  file: string
  line: number
  code: string
}

function runnableSnippets(): Snippet[] {
  const out: Snippet[] = []
  for (const file of ['README.md', ...globSync('docs/**/*.md', { cwd: root })]) {
    const text = readFileSync(join(root, file), 'utf8')
    for (const match of text.matchAll(/<!-- runnable -->\s*\n```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
      const line = text.slice(0, match.index).split('\n').length
      out.push({ file, line, code: match[1] ?? '' })
    }
  }
  return out
}

test('the README and docs mark runnable shell blocks, among them the admin one', () => {
  const snippets = runnableSnippets()
  assert.ok(snippets.length >= 2, 'runnable blocks found')
  assert.ok(
    snippets.some((s) => s.code.includes('/admin/')),
    'the admin snippet is runnable',
  )
})

test('every runnable README and docs snippet runs as written against a started stack', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-snippets-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // Each default port of the schema gets a free one; snippets name the defaults.
  const ports = new Map<number, number>()
  const env: Record<string, string> = { HOST: '127.0.0.1', LOG_LEVEL: 'info' }
  for (const field of Object.values(schema)) {
    const defaultPort = Number(field.fallback)
    if (!/^BAKERY_\w+_PORT$/.test(field.env) || !Number.isInteger(defaultPort)) continue
    const port = await freePort()
    ports.set(defaultPort, port)
    env[field.env] = String(port)
  }
  env.BAKERY_STREAM_API_URL = `http://127.0.0.1:${ports.get(9998)}/`
  env.BAKERY_PAYMENTS_URL = `http://127.0.0.1:${ports.get(8081)}`
  // The generated admin token goes where the snippets read it: .bakery/admin-token of their cwd.
  env.BAKERY_ADMIN_TOKEN_FILE = join(dir, '.bakery', 'admin-token')
  const { BAKERY_ADMIN_TOKEN: _unset, ...inherited } = process.env
  const stack = startCli(['start'], ['reception', 'payments', 'coffee-reception', 'dashboard', 'workers'], {
    ...env,
  })
  t.after(() => stopProcess(stack.child))
  const urls = await stack.urls
  await waitFor('the reception ready', 60_000, async () =>
    (await fetch(`${urls.reception}/readyz`)).ok ? true : undefined,
  )
  const localise = (code: string) =>
    code.replace(/\b(localhost|127\.0\.0\.1):(\d+)\b/g, (whole, _host, port: string) => {
      const mapped = ports.get(Number(port))
      return mapped ? `127.0.0.1:${mapped}` : whole
    })
  for (const snippet of runnableSnippets()) {
    // curl fails on an HTTP error status, so a 401 or 404 fails the snippet like a bad command.
    const script = `set -e -o pipefail\ncurl() { command curl --fail-with-body --max-time 30 "$@"; }\n${localise(snippet.code)}`
    const result = spawnSync('bash', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...inherited, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` },
    })
    assert.equal(
      result.status,
      0,
      `${snippet.file}:${snippet.line} failed\n--- script\n${script}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    )
  }
})
