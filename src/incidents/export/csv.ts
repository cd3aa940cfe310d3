// CSV as RFC 4180 writes it: a header row, fields quoted only when they hold a comma, a quote or
// a line break. A small parser beside it lets tests and `bakery incident grade` read files back.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'

export type Cell = string | number | null | undefined

function field(value: Cell): string {
  if (value === null || value === undefined) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(field).join(',')}\n`
}

/** Writes rows as they come (a run may hold tens of thousands of spans). */
export async function writeCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly Cell[]>,
): Promise<number> {
  const out = createWriteStream(path)
  let count = 0
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain')
  }
  await write(csvLine(header))
  for (const row of rows) {
    await write(csvLine(row))
    count++
  }
  out.end()
  await once(out, 'finish')
  return count
}

/** Parses CSV text into rows of strings (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}
