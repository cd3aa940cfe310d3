import assert from 'node:assert/strict'
import { existsSync, globSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { configFields, withEnvTable } from '../scripts/env-table.ts'
import { ErrorCode } from '../src/platform/errors.ts'

const root = new URL('../', import.meta.url).pathname
const read = (path: string) => readFileSync(join(root, path), 'utf8')

test('docs/configuration.md env table matches the config schema (npm run docs:env regenerates it)', () => {
  const doc = read('docs/configuration.md')
  assert.equal(doc, withEnvTable(doc), 'docs/configuration.md env table is stale: run npm run docs:env')
  for (const field of configFields()) assert.ok(doc.includes(`| \`${field.env}\` |`), field.env)
})

test('the README names every env var of the config schema', () => {
  const readme = read('README.md')
  const missing = configFields()
    .map((field) => field.env)
    .filter((env) => !readme.includes(`\`${env}\``))
  assert.deepEqual(missing, [], "add them to the README's configuration list")
})

test('docs/errors.md lists exactly the error codes in src/platform/errors.ts', () => {
  const documented = [...read('docs/errors.md').matchAll(/^\|\s*`(BKR_[A-Z_]+)`\s*\|/gm)].map((m) => m[1])
  assert.deepEqual([...documented].sort(), Object.values(ErrorCode).sort())
})

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>()
  for (const [, heading] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(
      (heading ?? '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replaceAll(' ', '-'),
    )
  }
  return out
}

test('relative links of the README and docs point to files and headings that exist', () => {
  const files = ['README.md', 'SECURITY.md', ...globSync('docs/**/*.md', { cwd: root })]
  const broken: string[] = []
  for (const file of files) {
    const text = read(file).replace(/```[\s\S]*?```/g, '')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^[a-z]+:/.test(target)) continue
      const [path = '', anchor] = target.split('#')
      const resolved = path === '' ? file : join(dirname(file), path)
      if (!existsSync(join(root, resolved))) broken.push(`${file}: ${target} (no file)`)
      else if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor))
        broken.push(`${file}: ${target} (no heading)`)
    }
  }
  assert.deepEqual(broken, [])
})
