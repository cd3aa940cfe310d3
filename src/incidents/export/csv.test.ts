import assert from 'node:assert/strict'
import { test } from 'node:test'
import { csvLine, parseCsv } from './csv.ts'

test('csv quotes fields with commas, quotes and line breaks, and parses them back', () => {
  const cells = ['plain', 'a,b', 'say "hi"', 'two\nlines', '', 42]
  const [row] = parseCsv(csvLine(cells))
  assert.deepEqual(row, ['plain', 'a,b', 'say "hi"', 'two\nlines', '', '42'])
})
