// Builds the dashboard web app (web/ → web/dist) when it is missing or older than its sources.
// `npm start` runs this first, so the dashboard always serves a current build. Takes ~1 s.
import { existsSync, globSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const web = fileURLToPath(new URL('../web/', import.meta.url))
const built = `${web}dist/index.html`
const sources = [
  ...globSync('src/**/*', { cwd: web }).map((f) => `${web}${f}`),
  `${web}index.html`,
  `${web}vite.config.ts`,
  fileURLToPath(new URL('../package-lock.json', import.meta.url)),
]
const newest = Math.max(...sources.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs))
const force = process.argv.includes('--force')

if (!force && existsSync(built) && statSync(built).mtimeMs >= newest) {
  process.stdout.write('web: dist is up to date\n')
} else {
  let vite: typeof import('vite')
  try {
    vite = await import('vite')
  } catch {
    // A production install without dev dependencies: the API still works, the page says how to build.
    process.stderr.write('web: vite is not installed (npm ci without --omit=dev builds the dashboard)\n')
    process.exit(0)
  }
  const started = performance.now()
  await vite.build({ configFile: `${web}vite.config.ts`, logLevel: 'warn' })
  process.stdout.write(`web: built web/dist in ${Math.round(performance.now() - started)} ms\n`)
}
