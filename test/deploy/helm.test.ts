// The Helm chart, checked offline: helm lint, helm template with the default and the production
// values, every rendered object validated against the Kubernetes schemas, and the result checked
// against the service catalogue (src/services.ts) and the config schema.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { catalogue, defaultPort, readRepoFile, schemaEnvNames, secretEnvNames } from '../support/deploy.ts'
import { helm, type Manifest, renderChart } from '../support/helm.ts'
import { validateManifest } from '../support/kube-schema.ts'

const CHART = 'deploy/helm/bakery'
const PRODUCTION = `${CHART}/values-production.yaml`

interface Container {
  name: string
  image: string
  args?: string[]
  env?: { name: string; value?: string }[]
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  livenessProbe?: { httpGet?: { path: string } }
  readinessProbe?: { httpGet?: { path: string } }
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean }
}
interface PodSpec {
  containers: Container[]
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number }
}
type Deployment = Manifest & { spec: { replicas?: number; template: { spec: PodSpec } } }

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind)
/** The Deployments of Bakery services (not the collector gateway). */
const serviceDeployments = (manifests: Manifest[]) =>
  byKind(manifests, 'Deployment').filter((m) => m.metadata.labels?.['bakery.dev/kind']) as Deployment[]
/** The ConfigMaps and Secrets whose keys are Bakery env vars (not collector or server config). */
const SETTINGS = new Set(['bakery-config', 'bakery-connections', 'bakery-migrate'])
const find = (manifests: Manifest[], kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name)

test('helm lint passes with the default and the production values', () => {
  for (const extra of [[], ['-f', PRODUCTION]]) {
    const result = helm(['lint', CHART, '--strict', ...extra])
    assert.equal(result.status, 0, `helm lint ${extra.join(' ')}:\n${result.stdout}${result.stderr}`)
  }
})

for (const [label, values] of [
  ['default', []],
  ['production', [PRODUCTION]],
] as const) {
  describe(`helm template with ${label} values`, () => {
    const manifests = renderChart(CHART, [...values])

    test(`${label}: every rendered object is valid against the Kubernetes schemas`, async () => {
      assert.ok(manifests.length > 0)
      for (const manifest of manifests) await validateManifest(manifest)
    })

    test(`${label}: every catalogue service has a Deployment and a Service with probes and resources`, () => {
      for (const definition of catalogue) {
        const name = `bakery-${definition.name}`
        const deployment = find(manifests, 'Deployment', name) as Deployment | undefined
        assert.ok(deployment, `no Deployment ${name}`)
        assert.ok(find(manifests, 'Service', name), `no Service ${name}`)
        const [container] = deployment.spec.template.spec.containers
        assert.ok(container)
        assert.deepEqual(container.args, [definition.name])
        assert.equal(container.env?.find((e) => e.name === 'PORT')?.value, String(defaultPort(definition)))
        assert.equal(container.livenessProbe?.httpGet?.path, '/healthz')
        assert.equal(container.readinessProbe?.httpGet?.path, '/readyz')
        assert.ok(
          container.resources?.requests?.cpu && container.resources.limits?.memory,
          `${name} resources`,
        )
        assert.equal(deployment.spec.template.spec.securityContext?.runAsNonRoot, true)
        assert.equal(container.securityContext?.allowPrivilegeEscalation, false)
        assert.equal(deployment.metadata.labels?.['bakery.dev/kind'], definition.kind)
      }
      const known = new Set(catalogue.map((d) => `bakery-${d.name}`))
      for (const deployment of serviceDeployments(manifests)) {
        assert.ok(
          known.has(deployment.metadata.name),
          `${deployment.metadata.name} is not in src/services.ts`,
        )
      }
    })

    test(`${label}: every env var in ConfigMap, Secret and containers is in the config schema`, () => {
      for (const configMap of byKind(manifests, 'ConfigMap').filter((m) => SETTINGS.has(m.metadata.name))) {
        for (const key of Object.keys((configMap as { data?: object }).data ?? {})) {
          assert.ok(schemaEnvNames.has(key), `ConfigMap sets ${key}, unknown to the config schema`)
          assert.ok(!secretEnvNames.has(key), `${key} is a secret and belongs in the Secret`)
        }
      }
      for (const secret of byKind(manifests, 'Secret').filter((m) => SETTINGS.has(m.metadata.name))) {
        for (const key of Object.keys((secret as { stringData?: object }).stringData ?? {})) {
          assert.ok(secretEnvNames.has(key), `Secret holds ${key}, not a secret variable of the schema`)
        }
      }
      for (const deployment of serviceDeployments(manifests)) {
        for (const container of deployment.spec.template.spec.containers) {
          for (const { name } of container.env ?? [])
            assert.ok(schemaEnvNames.has(name), `${name} in ${container.name}`)
        }
      }
    })

    test(`${label}: images are pinned and PodDisruptionBudgets cover replicated services`, () => {
      for (const deployment of serviceDeployments(manifests)) {
        const { image } = deployment.spec.template.spec.containers[0] ?? { image: '' }
        assert.match(image, /(:\d+\.\d+\.\d+[\w.-]*|@sha256:[0-9a-f]{64})$/, `${image} is not pinned`)
        const hpa = find(manifests, 'HorizontalPodAutoscaler', deployment.metadata.name) as
          | (Manifest & { spec: { minReplicas: number } })
          | undefined
        const replicas = hpa ? hpa.spec.minReplicas : (deployment.spec.replicas ?? 1)
        if (replicas > 1)
          assert.ok(
            find(manifests, 'PodDisruptionBudget', deployment.metadata.name),
            `PDB for ${deployment.metadata.name}`,
          )
        if (hpa) assert.equal(deployment.spec.replicas, undefined, 'the HPA owns replicas')
      }
    })
  })
}

test('helm template in production autoscales every service and exposes the HTTP ones through the Ingress', () => {
  const manifests = renderChart(CHART, [PRODUCTION])
  for (const definition of catalogue) {
    assert.ok(
      find(manifests, 'HorizontalPodAutoscaler', `bakery-${definition.name}`),
      `HPA for ${definition.name}`,
    )
  }
  assert.equal(byKind(manifests, 'Secret').length, 0, 'production reads an existing Secret')
  const monitor = byKind(manifests, 'ServiceMonitor')[0] as
    | (Manifest & { spec: { jobLabel: string } })
    | undefined
  assert.equal(
    monitor?.spec.jobLabel,
    'app.kubernetes.io/component',
    'job = service name, as the dashboards expect',
  )
  const ingress = byKind(manifests, 'Ingress')[0] as
    | (Manifest & { spec: { rules: { http: { paths: unknown[] } }[] } })
    | undefined
  assert.ok(ingress?.spec.rules[0]?.http.paths.length, 'Ingress with paths')
})

test('helm template scales a worker on its queue depth when asked', () => {
  const worker = catalogue.find((d) => d.kind === 'worker') ?? catalogue[0]
  assert.ok(worker)
  const manifests = renderChart(
    CHART,
    [],
    [
      '--set',
      `services.${worker.name}.autoscaling.enabled=true`,
      '--set',
      `services.${worker.name}.autoscaling.queueDepth.enabled=true`,
      '--set',
      `services.${worker.name}.autoscaling.queueDepth.matchLabels.queue=orders`,
    ],
  )
  const hpa = find(manifests, 'HorizontalPodAutoscaler', `bakery-${worker.name}`) as
    | (Manifest & { spec: { metrics: { type: string; external?: { metric: { name: string } } }[] } })
    | undefined
  assert.ok(hpa)
  const external = hpa.spec.metrics.find((m) => m.type === 'External')
  assert.equal(external?.external?.metric.name, 'rabbitmq_queue_messages_ready')
})

test('kubernetes schema validation rejects a rendered Deployment that breaks the schema', async () => {
  const deployment = structuredClone(find(renderChart(CHART), 'Deployment', 'bakery-reception')) as Deployment
  assert.ok(deployment)
  const port = (
    deployment.spec.template.spec.containers[0] as unknown as { ports: { containerPort: unknown }[] }
  ).ports[0]
  assert.ok(port)
  port.containerPort = 'http-port'
  await assert.rejects(validateManifest(deployment), /containerPort must be integer/)
  await assert.rejects(
    validateManifest({ apiVersion: 'bakery.dev/v1', kind: 'Oven' }),
    /no Kubernetes schema/,
  )
})

test('helm values schema rejects a service of an unknown kind or a bad port', () => {
  for (const bad of [
    'services.reception.kind=cron',
    'services.reception.port=http-port',
    'image.tag=latest',
    'kafka.brokers=0',
    'collector.gateway.dashboardSignals[0]=spans',
  ]) {
    const result = helm(['template', 'bakery', CHART, '--set', bad])
    assert.notEqual(result.status, 0, `${bad} was accepted`)
    assert.match(
      result.stderr,
      /values don't meet the specifications|value must be|got string|does not match/,
      result.stderr,
    )
  }
})

test('helm runs `bakery migrate` as a hook Job exactly when the CLI has it, after install with the in-chart PostgreSQL', async () => {
  const cliHasMigrate = readRepoFile('src/cli-main.ts').includes("'migrate'")
  const values = parse(readRepoFile(`${CHART}/values.yaml`)) as { migrations: { enabled: boolean } }
  assert.equal(values.migrations.enabled, cliHasMigrate, 'migrations.enabled follows src/cli-main.ts')
  for (const [hook, extra] of [
    // The in-chart PostgreSQL is one of the release's objects: it exists only after install.
    ['post-install,pre-upgrade', ['--set', 'migrations.enabled=true']],
    ['pre-install,pre-upgrade', ['--set', 'migrations.enabled=true', '-f', PRODUCTION]],
  ] as const) {
    const manifests = renderChart(CHART, [], [...extra])
    const job = find(manifests, 'Job', 'bakery-migrate') as
      | (Manifest & { spec: { template: { spec: { containers: Container[] } } } })
      | undefined
    assert.ok(job)
    assert.equal(job.metadata.annotations?.['helm.sh/hook'], hook)
    assert.deepEqual(job.spec.template.spec.containers[0]?.args, ['migrate'])
    const hookConfig = find(manifests, 'ConfigMap', 'bakery-migrate')
    assert.equal(
      hookConfig?.metadata.annotations?.['helm.sh/hook-weight'],
      '-10',
      'settings exist before the Job',
    )
    for (const manifest of manifests) await validateManifest(manifest)
  }
})
