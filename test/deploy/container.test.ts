// The image, run for real with podman: non-root, read-only root filesystem, the image's health
// check passes, `bakery start` serves the reception and the dashboard, and orders finish inside it.
// Needs the image built by scripts/image/build.sh (a CI step); with CI=true a missing image or
// podman is a failure, never a skip.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Container, imageName, podman, runContainer, unavailable } from '../support/container.ts'

const image = imageName()
const missing = unavailable(image)
if (missing && process.env.CI === 'true') throw new Error(`container tests cannot run in CI: ${missing}`)

describe('the image, run with podman', { skip: missing }, () => {
  let container: Container

  before(async () => {
    container = await runContainer({
      image,
      command: ['start'],
      ready: [
        ['reception', '/healthz'],
        ['dashboard', '/healthz'],
      ],
    })
    process.stdout.write(
      `# container start (podman run → reception and dashboard healthy): ${container.startMs} ms\n`,
    )
  })
  after(() => container?.remove())

  test('runs as the unprivileged user 1000 on a read-only root filesystem', () => {
    const inspect = JSON.parse(podman(['inspect', container.name]).stdout) as {
      Config: { User: string }
      HostConfig: { ReadonlyRootfs: boolean }
    }[]
    assert.equal(inspect[0]?.Config.User, '1000:1000')
    assert.equal(inspect[0]?.HostConfig.ReadonlyRootfs, true)
    assert.equal(podman(['exec', container.name, 'node', '-p', 'process.getuid()']).stdout.trim(), '1000')
    const write = podman(['exec', container.name, 'node', '-e', "require('fs').writeFileSync('/app/x', '')"])
    assert.notEqual(write.status, 0, 'the application directory is not writable')
    assert.match(write.stderr, /EROFS|read-only/)
  })

  test("the image's own HEALTHCHECK passes and it listens on every interface by default", () => {
    const check = podman(['healthcheck', 'run', container.name])
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`)
    const config = JSON.parse(podman(['image', 'inspect', image]).stdout) as {
      Config: { Env: string[] }
      Healthcheck?: { Test: string[] }
    }[]
    assert.ok(config[0]?.Config.Env.includes('HOST=0.0.0.0'), 'HOST=0.0.0.0 in the image')
    assert.ok(config[0]?.Healthcheck?.Test.join(' ').includes('/healthz'), 'HEALTHCHECK kept (docker format)')
  })

  test('orders placed at the reception finish inside the container', async () => {
    const base = `http://127.0.0.1:${container.ports.reception}`
    const keys: string[] = []
    for (const customer of ['container-1', 'container-2', 'container-3']) {
      const res = await fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer, pastry: 'croissant' }),
      })
      assert.equal(res.status, 202)
      keys.push(((await res.json()) as { orderKey: string }).orderKey)
    }
    const statuses = new Map<string, string>()
    for (
      let round = 0;
      round < 120 && [...statuses.values()].filter((s) => s === 'finished').length < 3;
      round++
    ) {
      for (const key of keys) {
        const order = (await (await fetch(`${base}/orders/${key}`)).json()) as { status: string }
        statuses.set(key, order.status)
      }
      await sleep(500)
    }
    assert.deepEqual([...statuses.values()], ['finished', 'finished', 'finished'])
  })

  test('the dashboard serves its web app from the image', async () => {
    const res = await fetch(`http://127.0.0.1:${container.ports.dashboard}/`, {
      headers: { authorization: `Bearer ${container.token}` },
    })
    assert.equal(res.status, 200)
    assert.match(await res.text(), /<div id="app"|<script type="module"/)
  })
})

// The arm64 image of the same Dockerfile, run under QEMU user emulation (binfmt_misc): one
// service without external servers, up to /healthz.
const arm64 = imageName('arm64')
const arm64Missing = unavailable(arm64)
if (arm64Missing && process.env.CI === 'true')
  throw new Error(`arm64 container test cannot run in CI: ${arm64Missing}`)

describe('the arm64 image under emulation', { skip: arm64Missing }, () => {
  test('is an arm64 image listed in the manifest list, starts and answers /healthz', async () => {
    const inspect = JSON.parse(podman(['image', 'inspect', arm64]).stdout) as { Architecture: string }[]
    assert.equal(inspect[0]?.Architecture, 'arm64')
    const list = podman(['manifest', 'inspect', imageName()])
    assert.equal(list.status, 0, `no manifest list ${imageName()}: ${list.stderr}`)
    const platforms = (JSON.parse(list.stdout) as { manifests: { platform: { architecture: string } }[] })
      .manifests
    assert.deepEqual(platforms.map((m) => m.platform.architecture).sort(), ['amd64', 'arm64'])
    const container = await runContainer({
      image: arm64,
      platform: 'linux/arm64',
      command: ['event-api'],
      // A service started alone listens on PORT, which runContainer sets to the coffee port.
      ready: [['coffee', '/healthz']],
      readyTimeoutMs: 300_000,
    })
    try {
      process.stdout.write(`# arm64 event-api under emulation: /healthz after ${container.startMs} ms\n`)
      const arch = podman(['exec', container.name, 'node', '-p', 'process.arch'])
      assert.equal(arch.stdout.trim(), 'arm64')
    } finally {
      container.remove()
    }
  })
})
