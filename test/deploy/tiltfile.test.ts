// deploy/tilt/Tiltfile parsed and checked offline (no Tilt, no cluster): balanced Starlark, only
// known Tilt functions, every file it loads exists, every catalogue service is a resource, the
// load-run button is manual and runs `bakery load`; the dev manifests are valid.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { parseAllDocuments } from 'yaml'
import { startCli } from '../support/cli.ts'
import { catalogue, defaultPort, readRepoFile, repoRoot } from '../support/deploy.ts'
import { type Manifest, renderChart } from '../support/helm.ts'
import { validateManifest } from '../support/kube-schema.ts'
import { stopProcess } from '../support/processes.ts'

const DIR = 'deploy/tilt'
const source = readRepoFile(`${DIR}/Tiltfile`)

const TILT_API = new Set([
  'allow_k8s_contexts',
  'k8s_yaml',
  'encode_yaml',
  'read_file',
  'k8s_resource',
  'docker_build',
  'fall_back_on',
  'sync',
  'run',
  'helm',
  'local_resource',
  'local',
  'load',
  'os.getenv',
  'config.define_string',
])
const STARLARK = new Set([
  'str',
  'len',
  'dict',
  'list',
  'range',
  'print',
  'fail',
  'items',
  'keys',
  'values',
  'append',
  'format',
])

interface Token {
  kind: 'name' | 'string' | 'number' | 'op'
  text: string
}

/** A small Starlark tokenizer: enough to check structure and read calls and string literals. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const pattern =
    /\s+|#[^\n]*|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|([A-Za-z_][\w.]*)|(\d+)|(\*\*|[-+*/%=<>!]=?|[()[\]{},:.])/y
  let index = 0
  while (index < text.length) {
    pattern.lastIndex = index
    const match = pattern.exec(text)
    if (!match)
      throw new Error(`Tiltfile: cannot tokenize at ${JSON.stringify(text.slice(index, index + 30))}`)
    index = pattern.lastIndex
    if (match[1] !== undefined)
      tokens.push({ kind: 'string', text: match[1].replace(/^("""|'''|"|')|("""|'''|"|')$/g, '') })
    else if (match[2] !== undefined) tokens.push({ kind: 'name', text: match[2] })
    else if (match[3] !== undefined) tokens.push({ kind: 'number', text: match[3] })
    else if (match[4] !== undefined) tokens.push({ kind: 'op', text: match[4] })
  }
  return tokens
}

const tokens = tokenize(source)

/** Calls in source order: name and the string literals among its direct arguments. */
function calls(): { name: string; strings: string[]; body: Token[] }[] {
  const found: { name: string; strings: string[]; body: Token[] }[] = []
  tokens.forEach((token, i) => {
    if (token.kind !== 'name' || tokens[i + 1]?.text !== '(') return
    let depth = 0
    const body: Token[] = []
    for (let j = i + 1; j < tokens.length; j++) {
      const t = tokens[j] as Token
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++
      if (t.text === ')' || t.text === ']' || t.text === '}') depth--
      body.push(t)
      if (depth === 0) break
    }
    found.push({
      name: token.text,
      strings: body.filter((t) => t.kind === 'string').map((t) => t.text),
      body,
    })
  })
  return found
}

/** `NAME = { 'key': value, ... }` as key → first token of the value. */
function dictLiteral(name: string): Map<string, Token[]> {
  const start = tokens.findIndex(
    (t, i) => t.text === name && tokens[i + 1]?.text === '=' && tokens[i + 2]?.text === '{',
  )
  assert.ok(start >= 0, `Tiltfile has no ${name} = {...}`)
  const entries = new Map<string, Token[]>()
  let depth = 0
  let key: string | undefined
  let value: Token[] = []
  for (let i = start + 2; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (['(', '[', '{'].includes(t.text)) depth++
    if ([')', ']', '}'].includes(t.text)) depth--
    if (depth === 0) break
    if (depth === 1 && t.kind === 'string' && tokens[i + 1]?.text === ':') {
      key = t.text
      value = []
      entries.set(key, value)
      i++
      continue
    }
    if (depth === 1 && t.text === ',') continue
    value.push(t)
  }
  return entries
}

test('Tiltfile tokenizes with balanced brackets and calls only Tilt and Starlark functions', () => {
  let depth = 0
  for (const token of tokens) {
    if (['(', '[', '{'].includes(token.text)) depth++
    if ([')', ']', '}'].includes(token.text)) depth--
    assert.ok(depth >= 0, 'closing bracket without an opening one')
  }
  assert.equal(depth, 0, 'unbalanced brackets')
  const defined = new Set(tokens.filter((_t, i) => tokens[i - 1]?.text === 'def').map((t) => t.text))
  for (const call of calls()) {
    const method = call.name.split('.').at(-1) ?? ''
    const known =
      TILT_API.has(call.name) || STARLARK.has(call.name) || STARLARK.has(method) || defined.has(call.name)
    assert.ok(known, `Tiltfile calls unknown function ${call.name}`)
  }
})

test('Tiltfile loads only files that exist and live-updates src/', () => {
  const base = new URL(`../../${DIR}/`, import.meta.url)
  for (const call of calls().filter((c) =>
    ['k8s_yaml', 'read_file', 'helm', 'docker_build', 'sync', 'fall_back_on'].includes(c.name),
  )) {
    // The first argument is a path, except for docker_build (an image name).
    const first = call.body[1]?.kind === 'string' && call.name !== 'docker_build' ? [call.body[1].text] : []
    for (const path of new Set([...first, ...call.strings.filter((s) => s.includes('/'))])) {
      if (path.startsWith('/app')) continue
      assert.ok(existsSync(new URL(path, base)), `${call.name} names missing ${path}`)
    }
  }
  const sync = calls().find((c) => c.name === 'sync')
  assert.deepEqual(sync?.strings, ['../../src', '/app/src'])
})

test('Tiltfile makes a resource of every catalogue service with its port forward', () => {
  const services = dictLiteral('SERVICES')
  assert.deepEqual([...services.keys()].sort(), catalogue.map((d) => d.name).sort())
  for (const definition of catalogue) {
    const value = services.get(definition.name)?.[0]?.text
    if (definition.kind === 'http') assert.equal(value, String(defaultPort(definition)), definition.name)
    else assert.equal(value, 'None', `${definition.name} is a worker: no port forward`)
  }
  const manifests = renderChart('deploy/helm/bakery', [`${DIR}/values-tilt.yaml`])
  for (const definition of catalogue) {
    const deployment = manifests.find(
      (m) => m.kind === 'Deployment' && m.metadata.name === `bakery-${definition.name}`,
    )
    assert.ok(deployment, `Tilt resource bakery-${definition.name} has no Deployment`)
  }
})

test('Tiltfile load-run button is manual and its script runs bakery load, every accepted order finishing', async (t) => {
  const button = calls().find((c) => c.name === 'local_resource' && c.strings[0] === 'load-run')
  assert.ok(button, 'local_resource load-run')
  const text = button.body.map((t) => t.text).join(' ')
  assert.match(text, /trigger_mode = TRIGGER_MODE_MANUAL/)
  assert.match(text, /auto_init = False/)
  assert.ok(button.strings.includes('bash load-run.sh'), 'the button runs deploy/tilt/load-run.sh')
  assert.match(readRepoFile(`${DIR}/load-run.sh`), /npx --no-install bakery load/)
  // The default pipeline (journey hops on), as the cluster runs it, so the orders can finish.
  const pipeline = startCli(
    ['start', 'reception', 'enrichment', 'baker', 'response-builder'],
    ['reception'],
    { BAKERY_RECEPTION_PORT: '0', BAKERY_WORKER_PORT: '0', HOST: '127.0.0.1', BAKE_TIME_SCALE: '0' },
  )
  t.after(() => stopProcess(pipeline.child))
  const { reception: url } = await pipeline.urls
  const run = spawnSync('bash', [`${repoRoot}${DIR}/load-run.sh`], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, URL: url ?? '', RATE: '20', DURATION: '1s', DRAIN_TIMEOUT: '30s' },
  })
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`)
  const accepted = /accepted\s+(\d+) of (\d+) sent/.exec(run.stdout)
  assert.ok(accepted, run.stdout)
  assert.ok(Number(accepted[1]) > 0)
  assert.equal(accepted[1], accepted[2], 'every order sent was accepted')
  assert.match(run.stdout, new RegExp(`finished\\s+${accepted[1]} of ${accepted[1]} followed\\s+lost 0`))
  assert.match(run.stdout, /result\s+OK/)
})

test('Tilt dependencies are valid Kubernetes objects with pinned images, one per DEPENDENCIES entry', async () => {
  const objects = parseAllDocuments(readRepoFile(`${DIR}/dependencies.yaml`))
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null)
  for (const object of objects) await validateManifest(object)
  const deployments = objects.filter((o) => o.kind === 'Deployment')
  assert.deepEqual(
    deployments.map((d) => d.metadata.name).sort(),
    [...dictLiteral('DEPENDENCIES').keys()].sort(),
  )
  for (const deployment of deployments) {
    const image = (
      deployment as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }
    ).spec.template.spec.containers[0]?.image
    assert.match(image ?? '', /:v?\d+(\.\d+)+/, `${deployment.metadata.name} image ${image}`)
  }
  for (const manifest of renderChart('deploy/helm/bakery', [`${DIR}/values-tilt.yaml`]))
    await validateManifest(manifest)
  assert.ok(existsSync(`${repoRoot}Dockerfile`))
})
