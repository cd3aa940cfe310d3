// Real headless Chromium (Debian's /usr/bin/chromium, provisioned by scripts/provision.d/chromium.sh)
// driven by playwright-core. Locally a missing browser skips the test; with CI=true it fails.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { TestContext } from 'node:test'
import { type Browser, chromium, type Page } from 'playwright-core'
import { inCi } from './servers.ts'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

let built = false
/** Builds web/dist when stale (once per test file). */
export function buildWeb(): void {
  if (built) return
  const result = spawnSync(process.execPath, ['scripts/build-web.ts'], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`web build failed: ${result.stderr}`)
  built = true
}

export interface BrowserSession {
  browser: Browser
  page: Page
  /** Opens the dashboard's login link (as a user clicks the one printed at start), then `path`. */
  logIn(dashboard: { url: string; loginUrl: string }, path?: string): Promise<void>
  /** Saves a full-page screenshot under test-results/ and prints its path. */
  screenshot(name: string): Promise<string>
}

export async function openBrowser(t: TestContext): Promise<BrowserSession | undefined> {
  if (!existsSync(chromiumPath)) {
    const message = `chromium not found at ${chromiumPath} (run scripts/provision.d/chromium.sh)`
    if (inCi) throw new Error(`${message}; CI=true: a missing browser is a failure`)
    t.skip(message)
    return undefined
  }
  const profile = mkdtempSync(join(tmpdir(), 'bakery-chromium-'))
  // launchPersistentContext takes the fresh --user-data-dir; plain launch() would reject it as an arg.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 860 },
    timeout: 30_000,
  })
  const browser = context.browser() as Browser
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(15_000)
  t.after(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  return {
    browser,
    page,
    async logIn(dashboard, path = '/') {
      await page.goto(dashboard.loginUrl)
      if (path !== '/') await page.goto(`${dashboard.url}${path}`)
    },
    async screenshot(name) {
      mkdirSync('test-results', { recursive: true })
      const path = resolve('test-results', `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      console.log(`screenshot: ${path}`)
      return path
    },
  }
}
