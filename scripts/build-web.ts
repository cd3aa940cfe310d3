// Builds the dashboard web app (web/ → web/dist) when it is missing or older than its sources.
// `npm start` runs this first, so the dashboard always serves a current build (about a second).
// Browser test files call it in parallel: a lock directory lets one build while the others wait
// and then find the build current.
import { existsSync, globSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const web = fileURLToPath(new URL('../web/', import.meta.url))
const built = `${web}dist/index.html`
const lock = `${web}.build-lock`
const force = process.argv.includes('--force')

function current(): boolean {
  const sources = [
    ...globSync('src/**/*', { cwd: web }).map((f) => `${web}${f}`),
    `${web}index.html`,
    `${web}vite.config.ts`,
    fileURLToPath(new URL('../package-lock.json', import.meta.url)),
  ]
  const newest = Math.max(...sources.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs))
  return existsSync(built) && statSync(built).mtimeMs >= newest
}

async function acquire(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock)
      return
    } catch {
      // A lock older than two minutes was left by a build that died.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000)
        rmSync(lock, { force: true, recursive: true })
      await sleep(100)
    }
  }
  throw new Error(`web: ${lock} is held for more than a minute`)
}

if (!force && current()) {
  process.stdout.write('web: dist is up to date\n')
} else {
  await acquire()
  try {
    if (force || !current()) {
      let vite: typeof import('vite')
      try {
        vite = await import('vite')
      } catch {
        // A production install without dev dependencies: the API works, the page says how to build.
        process.stderr.write('web: vite is not installed (npm ci without --omit=dev builds the dashboard)\n')
        process.exit(0)
      }
      const started = performance.now()
      await vite.build({ configFile: `${web}vite.config.ts`, logLevel: 'warn' })
      process.stdout.write(`web: built web/dist in ${Math.round(performance.now() - started)} ms\n`)
    } else {
      process.stdout.write('web: dist is up to date\n')
    }
  } finally {
    rmSync(lock, { force: true, recursive: true })
  }
}
