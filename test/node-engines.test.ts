// The documented path on the system Node (20 or newer runs npm; the project's Node 24 runs the
// code): npm install and npx bakery print no warnings, and bakery started by an old Node says why.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'

const root = new URL('../', import.meta.url).pathname
const systemNode = '/usr/bin/node'
const systemPath = '/usr/local/bin:/usr/bin:/bin'
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  engines: { node: string }
  devDependencies: Record<string, string>
}

function systemVersion(): number[] | undefined {
  if (!existsSync(systemNode)) return undefined
  const out = spawnSync(systemNode, ['--version'], { encoding: 'utf8' }).stdout.trim()
  return out.replace(/^v/, '').split('.').map(Number)
}

function run(command: string, args: string[]) {
  return spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, PATH: systemPath, npm_config_update_notifier: 'false' },
  })
}

test('package.json engines admit the Node that runs npm; the code runs on the node dev dependency (24)', () => {
  assert.equal(pkg.engines.node, '>=20')
  assert.match(pkg.devDependencies.node ?? '', /^24\./)
})

test('npm install on the system Node prints no warnings', (t) => {
  if (!systemVersion()) return t.skip('no system Node at /usr/bin/node')
  const result = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--dry-run'])
  assert.equal(result.status, 0, result.stderr)
  assert.doesNotMatch(result.stderr, /warn|EBADENGINE|Unsupported engine/i)
})

test('npx bakery on the system Node prints no engine warning and runs on Node 24', (t) => {
  if (!systemVersion()) return t.skip('no system Node at /usr/bin/node')
  const result = run('npx', ['bakery', '--help'])
  assert.equal(result.status, 0, result.stderr)
  assert.match(result.stdout, /^Usage: bakery <command>/)
  assert.equal(result.stderr, '')
})

test('bakery started by a Node older than 23.6 says which Node it needs and how to get it', (t) => {
  const version = systemVersion()
  if (!version || (version[0] ?? 0) >= 24) return t.skip('the system Node is new enough to run bakery')
  const result = spawnSync(systemNode, ['bin/bakery.js', '--help'], { cwd: root, encoding: 'utf8' })
  assert.equal(result.status, 1)
  assert.match(result.stderr, /bakery needs Node 24, this is Node 2\d\.\d+\.\d+\. Run it through npm/)
  assert.match(result.stderr, /npx bakery <command>/)
})
