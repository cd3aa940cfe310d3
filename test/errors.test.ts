// Every error src/ throws is a BakeryError with a code (docs/errors.md lists them): callers branch
// on the code, HTTP maps it to a status, workers read `retryable`. A plain built-in error thrown in
// product code would bypass all three, so this test fails when one appears.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'

const SRC = new URL('../src/', import.meta.url).pathname
const PLAIN_THROW =
  /\bthrow\s+new\s+(Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError)\s*\(/g

/** Throws that imitate a library's own error on purpose, so callers treat an injected failure as a real one. */
const IMITATIONS = new Map([['platform/faults/client.ts', 'TypeError']])

test('src/ throws no plain Error: every thrown error is a BakeryError with a code', () => {
  const found: string[] = []
  for (const entry of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts') || entry.startsWith('coffee/gen/')) continue
    const lines = readFileSync(join(SRC, entry), 'utf8').split('\n')
    lines.forEach((line, index) => {
      for (const match of line.matchAll(PLAIN_THROW)) {
        if (IMITATIONS.get(entry) === match[1]) continue
        found.push(`src/${entry}:${index + 1}: ${line.trim()}`)
      }
    })
  }
  assert.deepEqual(found, [], 'throw new BakeryError(ErrorCode.X, …) instead (src/platform/errors.ts)')
})
