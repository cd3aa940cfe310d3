import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import { CreatedSchema, ReadySchema } from '../src/coffee/gen/order/order_pb.ts'

const root = new URL('..', import.meta.url).pathname
const generated = join(root, 'src/coffee/gen')

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length))
    .sort()
}

test('protobuf generated code matches proto/ when regenerated with buf (npm run proto:gen)', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bakery-proto-'))
  t.after(() => rmSync(out, { recursive: true, force: true }))
  const buf = join(root, 'node_modules/.bin/buf')
  const result = spawnSync(buf, ['generate', '--output', out], { cwd: root, encoding: 'utf8' })
  assert.equal(result.status, 0, result.stderr)
  const fresh = join(out, 'src/coffee/gen')
  assert.deepEqual(listFiles(fresh), listFiles(generated))
  for (const file of listFiles(generated)) {
    assert.equal(
      readFileSync(join(generated, file), 'utf8'),
      readFileSync(join(fresh, file), 'utf8'),
      `${file} is stale: run npm run proto:gen`,
    )
  }
})

test('protobuf order.Created round-trips and keeps the seed field numbers', () => {
  const message = create(CreatedSchema, {
    id: '6f1c1f7e-3c9a-4b7e-9d3c-2f1e0c9b8a7d',
    customerName: 'Ann',
    items: [
      { type: 'latte', size: 'large' },
      { type: 'espresso', size: 'small' },
    ],
    totalCents: 520,
  })
  const bytes = toBinary(CreatedSchema, message)
  // Field 1 (id) is length-delimited: tag byte (1 << 3) | 2 = 0x0a, as the seed's Go code writes it.
  assert.equal(bytes[0], 0x0a)
  const back = fromBinary(CreatedSchema, bytes)
  assert.equal(back.id, message.id)
  assert.equal(back.customerName, 'Ann')
  assert.deepEqual(
    back.items.map((i) => [i.type, i.size]),
    [
      ['latte', 'large'],
      ['espresso', 'small'],
    ],
  )
  assert.equal(back.totalCents, 520)
})

test('protobuf order.Ready round-trips with who brewed each item', () => {
  const ready = create(ReadySchema, {
    id: 'x',
    items: [{ item: { type: 'latte', size: 'medium' }, barista: 'Sofia', brewMs: 8000 }],
    readyAt: '2026-01-01T00:00:00.000Z',
  })
  const back = fromBinary(ReadySchema, toBinary(ReadySchema, ready))
  assert.equal(back.items[0]?.barista, 'Sofia')
  assert.equal(back.items[0]?.item?.type, 'latte')
  assert.equal(back.items[0]?.brewMs, 8000)
})
