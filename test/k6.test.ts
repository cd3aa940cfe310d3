// deploy/k6/orders.js runs under k6, not Node. This test runs it under Node with small stand-ins for
// the k6 modules that record what it does, and checks that against the order API and our menu.
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { PASTRIES } from '../src/bakery/orders/menu.ts'
import { CUSTOMERS } from '../src/load/index.ts'

const script = new URL('../deploy/k6/orders.js', import.meta.url)

const K6_STUB = `
export const calls = []
export function sleep(seconds) { calls.push({ sleep: seconds }) }
export function check(value, checks) {
  const results = Object.fromEntries(Object.entries(checks).map(([name, fn]) => [name, fn(value)]))
  calls.push({ check: results })
  return Object.values(results).every(Boolean)
}
`
const HTTP_STUB = `
import { calls } from 'k6'
const replies = []
export function reply(r) { replies.push(r) }
export default {
  post(url, body, params) {
    calls.push({ post: { url, body, params } })
    const r = replies.shift() ?? { status: 202, body: '{"orderKey":"0123456789abcdef0123456789abcdef"}' }
    return { ...r, json: (path) => JSON.parse(r.body)[path] }
  },
}
`

interface Call {
  post?: { url: string; body: string; params: { headers: Record<string, string> } }
  sleep?: number
  check?: Record<string, boolean>
}

async function loadScript(t: import('node:test').TestContext, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-k6-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const k6 = join(dir, 'node_modules', 'k6')
  mkdirSync(k6, { recursive: true })
  writeFileSync(
    join(k6, 'package.json'),
    JSON.stringify({ name: 'k6', type: 'module', exports: { '.': './index.js', './http': './http.js' } }),
  )
  writeFileSync(join(k6, 'index.js'), K6_STUB)
  writeFileSync(join(k6, 'http.js'), HTTP_STUB)
  cpSync(script, join(dir, 'orders.js'))
  Object.assign(globalThis, { __ENV: env })
  const mod = (await import(pathToFileURL(join(dir, 'orders.js')).href)) as {
    options: { vus: number; duration: string }
    default: () => void
  }
  const { calls } = (await import(pathToFileURL(join(k6, 'index.js')).href)) as { calls: Call[] }
  const http = (await import(pathToFileURL(join(k6, 'http.js')).href)) as {
    reply: (r: { status: number; body: string }) => void
  }
  return { mod, calls, http }
}

test('k6 script runs the seed scenario: 15 users for 15 minutes, one order then 1 s sleep', async (t) => {
  const { mod, calls } = await loadScript(t, {})
  assert.equal(mod.options.vus, 15)
  assert.equal(mod.options.duration, '15m')
  mod.default()
  assert.equal(calls.length, 3)
  assert.ok(calls[0]?.post)
  assert.deepEqual(calls[2], { sleep: 1 })
})

test('k6 script posts the order contract: POST /orders with customer and pastry from the menu', async (t) => {
  const { mod, calls } = await loadScript(t, { BAKERY_URL: 'http://reception.test:8000/' })
  const seen = { customers: new Set<string>(), pastries: new Set<string>() }
  const random = Math.random
  let i = 0
  Math.random = () => (i++ % 28) / 28 // walks every index of both lists, deterministically
  t.after(() => {
    Math.random = random
  })
  for (let n = 0; n < 56; n++) mod.default()
  for (const call of calls) {
    if (!call.post) continue
    assert.equal(call.post.url, 'http://reception.test:8000/orders')
    assert.equal(call.post.params.headers['Content-Type'], 'application/json')
    const body = JSON.parse(call.post.body) as Record<string, unknown>
    assert.deepEqual(Object.keys(body).sort(), ['customer', 'pastry'])
    seen.customers.add(String(body.customer))
    seen.pastries.add(String(body.pastry))
  }
  // exactly the reception's menu: every pastry ordered, none it would refuse
  assert.deepEqual([...seen.pastries].sort(), [...PASTRIES].sort())
  assert.deepEqual([...seen.customers].sort(), ['bertie', 'fry', 'homer', 'tuca'])
  for (const customer of seen.customers) assert.ok((CUSTOMERS as readonly string[]).includes(customer))
})

test('k6 script checks pass on a 202 with an orderKey and fail on a 400', async (t) => {
  const { mod, calls, http } = await loadScript(t, {})
  mod.default()
  http.reply({ status: 400, body: '{"code":"BKR_HTTP_VALIDATION"}' })
  mod.default()
  const checks = calls.filter((c) => c.check).map((c) => c.check)
  assert.deepEqual(checks[0], { 'order accepted (202)': true, 'orderKey is 32 hex characters': true })
  assert.deepEqual(checks[1], { 'order accepted (202)': false, 'orderKey is 32 hex characters': false })
})
