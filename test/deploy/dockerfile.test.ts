// The Dockerfile checked offline: pinned base, non-root user, production dependencies only,
// health check, and the `bakery <service>` entry point.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { packageJson, readRepoFile } from '../support/deploy.ts'

interface Instruction {
  op: string
  args: string
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/)
      return { op: op.toUpperCase(), args: rest.join(' ') }
    })
}

const dockerfile = instructions(readRepoFile('Dockerfile'))
const args = new Map(
  dockerfile
    .filter((i) => i.op === 'ARG' && i.args.includes('='))
    .map((i) => i.args.split('=', 2) as [string, string]),
)
// Arguments may name other arguments (BUILD_NODE_IMAGE=${NODE_IMAGE}): resolve until stable.
const resolve = (value: string): string => {
  const next = value.replace(/\$\{(\w+)\}/g, (_m, name: string) => args.get(name) ?? '')
  return next === value ? value : resolve(next)
}
/** The image a FROM names, after its flags (--platform=...). */
const fromImage = (i: Instruction) => i.args.split(/\s+/).find((word) => !word.startsWith('--')) ?? ''
const lastStage = () => {
  const start = dockerfile.findLastIndex((i) => i.op === 'FROM')
  return dockerfile.slice(start)
}

test('Dockerfile pins every base image to the exact Node release of the node dev dependency', () => {
  const froms = dockerfile.filter((i) => i.op === 'FROM').map((i) => resolve(fromImage(i)))
  assert.ok(froms.length >= 2, 'multi-stage build')
  const nodeVersion = packageJson.devDependencies.node
  for (const image of froms) {
    // Tag and digest of the multi-architecture index: the tag says which release, the digest
    // makes the build reproducible (a re-pushed tag cannot change it).
    assert.match(image, /^node:\d+\.\d+\.\d+-[\w-]*slim@sha256:[0-9a-f]{64}$/, image)
    if (image.startsWith('node:'))
      assert.ok(image.startsWith(`node:${nodeVersion}-`), `${image} is not Node ${nodeVersion}`)
  }
})

test('Dockerfile runs the final stage as a non-root numeric user', () => {
  const users = lastStage().filter((i) => i.op === 'USER')
  const user = users.at(-1)?.args ?? 'root'
  assert.doesNotMatch(user, /^(root|0)(:|$)/)
  assert.match(user, /^[1-9]\d*(:\d+)?$/, 'numeric, so Kubernetes runAsNonRoot can verify it')
})

test('Dockerfile installs production dependencies only, from the lock file', () => {
  // The stage whose node_modules the runtime stage copies.
  const start = dockerfile.findIndex((i) => i.op === 'FROM' && /\bAS deps$/i.test(i.args))
  const end = dockerfile.findIndex((i, n) => n > start && i.op === 'FROM')
  const installs = dockerfile
    .slice(start, end)
    .filter((i) => i.op === 'RUN' && /\bnpm (ci|install)\b/.test(i.args))
  assert.ok(start >= 0 && installs.length >= 1)
  assert.ok(
    dockerfile.some(
      (i) => i.op === 'COPY' && i.args.includes('--from=deps') && i.args.includes('node_modules'),
    ),
  )
  for (const install of installs) {
    assert.match(install.args, /npm ci\b/)
    assert.match(install.args, /--omit=dev/)
  }
})

test('Dockerfile has a health check on /healthz and enters through src/cli.ts', () => {
  const final = lastStage()
  const health = final.find((i) => i.op === 'HEALTHCHECK')
  assert.ok(health, 'HEALTHCHECK in the final stage')
  assert.match(health.args, /\/healthz/)
  const entry = final.find((i) => i.op === 'ENTRYPOINT')
  assert.deepEqual(JSON.parse(entry?.args ?? '[]'), ['node', 'src/cli.ts'])
  assert.ok(
    final.some((i) => i.op === 'COPY' && /web\/dist/.test(i.args)),
    'the built web app is copied',
  )
})

test('Dockerfile build context leaves out dependencies, git and tests', () => {
  const ignored = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
  for (const pattern of ['.git', '**/node_modules', 'test', '**/*.test.ts'])
    assert.ok(ignored.includes(pattern), pattern)
})

test('Dockerfile sets HOST=0.0.0.0 in the runtime stage (the code binds to loopback by default)', () => {
  const env = lastStage()
    .filter((i) => i.op === 'ENV')
    .map((i) => i.args)
    .join(' ')
  assert.match(env, /\bHOST=0\.0\.0\.0\b/)
})

test('Dockerfile builds the architecture-neutral stages on the build platform, the runtime for the target', () => {
  const froms = dockerfile.filter((i) => i.op === 'FROM')
  for (const stage of ['deps', 'web']) {
    const from = froms.find((i) => new RegExp(`\\bAS ${stage}$`, 'i').test(i.args))
    assert.match(from?.args ?? '', /--platform=\$BUILDPLATFORM/, stage)
  }
  const deps = readRepoFile('Dockerfile')
  assert.match(deps, /npm ci[^\n]*--cpu="\$cpu"/, 'native optional packages for the target CPU')
  assert.match(
    froms.at(-1)?.args ?? '',
    /^(--platform=\$TARGETPLATFORM )?\$\{NODE_IMAGE\}/,
    'the runtime stage is the target platform',
  )
})
