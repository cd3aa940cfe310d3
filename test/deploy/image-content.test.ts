// What the Dockerfile's runtime stage contains (package.json, bin/, src/ without tests, and
// node_modules from `npm ci --omit=dev`), assembled in a temp dir without Docker: every service
// must start from it, so no service imports a dev dependency or a file the image leaves out.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { schema } from '../../src/config.ts'
import { type StartedCli, startCli } from '../support/cli.ts'
import { catalogue, repoRoot } from '../support/deploy.ts'
import { stopProcess } from '../support/processes.ts'

test('image content runs every service with production dependencies only', async (t) => {
  const app = mkdtempSync(join(tmpdir(), 'bakery-image-'))
  t.after(() => rmSync(app, { recursive: true, force: true }))
  for (const file of ['package.json', 'package-lock.json']) cpSync(`${repoRoot}${file}`, join(app, file))
  for (const dir of ['bin', 'src']) {
    cpSync(`${repoRoot}${dir}`, join(app, dir), {
      recursive: true,
      filter: (source) => !source.endsWith('.test.ts'),
    })
  }
  const install = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    {
      cwd: app,
      encoding: 'utf8',
      timeout: 300_000,
    },
  )
  assert.equal(install.status, 0, install.stderr)

  const ports = Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key.endsWith('Port'))
      .map(([, field]) => [field.env, '0']),
  )
  const http = catalogue.filter((d) => d.kind === 'http').map((d) => d.name)
  // `start` loads every service's module, workers included.
  const all: StartedCli = startCli(
    ['start'],
    http,
    { ...ports, HOST: '127.0.0.1', BAKERY_DEMO_TRAFFIC: 'false' },
    `${app}/src/cli.ts`,
  )
  t.after(() => stopProcess(all.child))
  const urls = await all.urls
  for (const name of http) {
    const response = await fetch(`${urls[name]}/healthz`, { signal: AbortSignal.timeout(5_000) })
    assert.equal(response.status, 200, name)
  }
})
