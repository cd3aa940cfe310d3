// The chart as a whole stack, rendered offline: a default install brings its own data servers and
// the collector agent/gateway, every service's settings point at objects the release renders and
// load through the product's own config schema, and the network is closed by NetworkPolicies.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { catalogue, defaultPort } from '../support/deploy.ts'
import { type Manifest, renderChart } from '../support/helm.ts'
import { validateManifest } from '../support/kube-schema.ts'

const CHART = 'deploy/helm/bakery'
const PRODUCTION = `${CHART}/values-production.yaml`
const DATA = ['postgresql', 'rabbitmq', 'redis', 'kafka', 'influxdb'] as const

interface Probe {
  httpGet?: unknown
  exec?: unknown
  tcpSocket?: unknown
}
interface Container {
  name: string
  image: string
  env?: { name: string; value?: string; valueFrom?: unknown }[]
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  livenessProbe?: Probe
  readinessProbe?: Probe
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean }
  volumeMounts?: { name: string; mountPath: string }[]
}
interface PodSpec {
  containers: Container[]
  initContainers?: Container[]
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } }
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: object }[]
}
type Workload = Manifest & {
  spec: {
    replicas?: number
    template: { spec: PodSpec }
    volumeClaimTemplates?: { spec: { resources: { requests: { storage: string } } } }[]
  }
}
type Data = Manifest & { data?: Record<string, string>; stringData?: Record<string, string> }
interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> }
  namespaceSelector?: { matchLabels?: Record<string, string> }
}
type Policy = Manifest & {
  spec: {
    podSelector: { matchLabels: Record<string, string> }
    ingress: { from: PolicyPeer[]; ports: { port: number }[] }[]
  }
}

const find = <T extends Manifest>(manifests: Manifest[], kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name) as T | undefined
const byKind = <T extends Manifest>(manifests: Manifest[], kind: string) =>
  manifests.filter((m) => m.kind === kind) as T[]

/** The environment a Bakery service's container starts with: envFrom ConfigMap and Secret, then env. */
function podEnv(manifests: Manifest[], container: Container): Record<string, string> {
  const env: Record<string, string> = {}
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name ?? source.secretRef?.name ?? ''
    const object = find<Data>(manifests, source.configMapRef ? 'ConfigMap' : 'Secret', name)
    assert.ok(object, `${container.name} reads ${name}, which is not rendered`)
    Object.assign(env, object.data ?? {}, object.stringData ?? {})
  }
  for (const { name, value } of container.env ?? []) if (value !== undefined) env[name] = value
  return env
}

/** Host names a rendered Service answers to: <svc>, and <pod>.<svc> for headless ones. */
function serviceHosts(manifests: Manifest[]): Set<string> {
  const hosts = new Set(byKind(manifests, 'Service').map((s) => s.metadata.name))
  for (const set of byKind<Workload & { spec: { serviceName: string } }>(manifests, 'StatefulSet'))
    for (let i = 0; i < (set.spec.replicas ?? 1); i++)
      hosts.add(`${set.metadata.name}-${i}.${set.spec.serviceName}`)
  return hosts
}

describe('helm template with default values: a stack that runs as is', () => {
  const manifests = renderChart(CHART)
  const hosts = serviceHosts(manifests)

  test('every data server is a StatefulSet with a claim, probes, resources and a non-root security context', () => {
    for (const name of DATA) {
      const set = find<Workload>(manifests, 'StatefulSet', `bakery-${name}`)
      assert.ok(set, `no StatefulSet bakery-${name}`)
      assert.ok(set.spec.volumeClaimTemplates?.[0]?.spec.resources.requests.storage, `${name} PVC`)
      const pod = set.spec.template.spec
      assert.equal(pod.securityContext?.runAsNonRoot, true, name)
      assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', name)
      const [container] = pod.containers
      assert.ok(container?.livenessProbe && container.readinessProbe, `${name} probes`)
      assert.ok(container.resources?.requests?.cpu && container.resources.limits?.memory, `${name} resources`)
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false, name)
      assert.ok(
        container.volumeMounts?.some((m) => m.name === 'data'),
        `${name} keeps its data on the claim`,
      )
    }
  })

  test('the collector is an agent DaemonSet and a gateway Deployment that exports to the dashboard', () => {
    const agent = find<Workload>(manifests, 'DaemonSet', 'bakery-otel-agent')
    const gateway = find<Workload>(manifests, 'Deployment', 'bakery-otel-gateway')
    assert.ok(agent && gateway)
    const agentService = find<Manifest & { spec: { internalTrafficPolicy?: string } }>(
      manifests,
      'Service',
      'bakery-otel-agent',
    )
    assert.equal(agentService?.spec.internalTrafficPolicy, 'Local', 'each pod uses the agent on its node')
    const agentConfig = find<Data>(manifests, 'ConfigMap', 'bakery-otel-agent')?.data?.['config.yaml'] ?? ''
    assert.match(agentConfig, /endpoint: bakery-otel-gateway:4317/)
    const gatewayConfig =
      find<Data>(manifests, 'ConfigMap', 'bakery-otel-gateway')?.data?.['config.yaml'] ?? ''
    assert.match(gatewayConfig, /otlphttp\/dashboard:\s+endpoint: http:\/\/bakery-dashboard:3000/)
    assert.match(gatewayConfig, /traces\/dashboard:[\s\S]*?exporters: \[otlphttp\/dashboard\]/)
    // Log lines of every pod reach the dashboard's Logs page and order signals too.
    assert.match(gatewayConfig, /\n {4}logs:\n[\s\S]*?exporters: \[otlphttp\/dashboard\]/)
    const config = find<Data>(manifests, 'ConfigMap', 'bakery-config')?.data ?? {}
    assert.equal(config.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://bakery-otel-agent:4318')
  })

  test("every service's settings load through the config schema and name servers the release renders", () => {
    for (const definition of catalogue) {
      const deployment = find<Workload>(manifests, 'Deployment', `bakery-${definition.name}`)
      assert.ok(deployment)
      const [container] = deployment.spec.template.spec.containers
      assert.ok(container)
      const env = podEnv(manifests, container)
      // The product's own validation: a missing or malformed setting throws a config error here.
      const config = loadConfig(env)
      assert.equal(config.host, '0.0.0.0', 'listens on the pod address')
      assert.equal(Number(env.PORT), defaultPort(definition))
      for (const key of [
        'DATABASE_URL',
        'AMQP_URL',
        'REDIS_URL',
        'INFLUX_URL',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
      ])
        assert.ok(
          hosts.has(new URL(env[key] ?? 'memory://').hostname),
          `${definition.name}: ${key}=${env[key]}`,
        )
      for (const broker of (env.KAFKA_BROKERS ?? '').split(','))
        assert.ok(hosts.has(broker.split(':')[0] ?? ''), `${definition.name}: Kafka broker ${broker}`)
      for (const key of ['ALBUM_STORE_URL', 'BAKERY_PAYMENTS_URL', 'BAKERY_STREAM_API_URL'])
        if (env[key]) assert.ok(hosts.has(new URL(env[key]).hostname), `${definition.name}: ${key}`)
      assert.ok((env.BAKERY_ADMIN_TOKEN ?? '').length >= 32, 'a generated admin token of 32+ characters')
      assert.ok(
        container.volumeMounts?.some((m) => m.mountPath === '/app/.bakery'),
        'writable .bakery/ under a read-only root',
      )
    }
  })

  test('generated passwords are the same in the URLs and in the servers they open', () => {
    const connections = find<Data>(manifests, 'Secret', 'bakery-connections')?.stringData ?? {}
    const generated = find<Data>(manifests, 'Secret', 'bakery-data')?.data ?? {}
    const decode = (key: string) => Buffer.from(generated[key] ?? '', 'base64').toString()
    assert.equal(new URL(connections.DATABASE_URL ?? '').password, decode('postgres-password'))
    assert.equal(new URL(connections.AMQP_URL ?? '').password, decode('rabbitmq-password'))
    assert.equal(new URL(connections.REDIS_URL ?? '').password, decode('redis-password'))
    assert.ok(decode('postgres-password').length >= 32)
  })

  test("the dashboard's telemetry store is on a claim, and services and the migration wait for the servers", () => {
    const dashboard = find<Workload>(manifests, 'Deployment', 'bakery-dashboard')
    const claim = dashboard?.spec.template.spec.volumes?.find((v) => v.name === 'state')
    assert.equal(claim?.persistentVolumeClaim?.claimName, 'bakery-telemetry')
    assert.ok(find(manifests, 'PersistentVolumeClaim', 'bakery-telemetry'))
    assert.equal(
      Number(
        podEnv(manifests, dashboard?.spec.template.spec.containers[0] as Container).BAKERY_SPAN_STORE_SIZE,
      ) > 0,
      true,
    )
    const job = find<Workload>(manifests, 'Job', 'bakery-migrate')
    for (const pod of [dashboard, job]) {
      const wait = pod?.spec.template.spec.initContainers?.[0] as
        | (Container & { command: string[] })
        | undefined
      assert.ok(wait?.command.includes('bakery-postgresql:5432'), 'waits for PostgreSQL')
      assert.ok(wait?.command.includes('bakery-kafka-0.bakery-kafka-headless:9092'), 'waits for Kafka')
    }
  })

  test('NetworkPolicies: only the gateway reaches the dashboard, the data servers only the release', () => {
    const dashboard = find<Policy>(manifests, 'NetworkPolicy', 'bakery-dashboard')
    assert.ok(dashboard)
    assert.deepEqual(
      dashboard.spec.ingress.flatMap((rule) =>
        rule.from.map(
          (peer) =>
            peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ??
            peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'],
        ),
      ),
      ['otel-gateway', 'monitoring'],
      'the gateway (OTLP) and Prometheus (metrics); no ingress controller by default',
    )
    for (const name of DATA) {
      const policy = find<Policy>(manifests, 'NetworkPolicy', `bakery-${name}`)
      assert.ok(policy, `NetworkPolicy for ${name}`)
      for (const rule of policy.spec.ingress)
        for (const peer of rule.from) {
          assert.equal(peer.namespaceSelector, undefined, `${name} is reachable from the namespace only`)
          assert.equal(peer.podSelector?.matchLabels?.['app.kubernetes.io/instance'], 'bakery')
        }
    }
    const reception = find<Policy>(manifests, 'NetworkPolicy', 'bakery-reception')
    assert.ok(
      !reception?.spec.ingress.some((r) =>
        r.from.some((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'ingress-nginx'),
      ),
      'no ingress controller rule while the Ingress is off',
    )
  })

  test('every rendered object is valid against the Kubernetes schemas', async () => {
    for (const manifest of manifests) await validateManifest(manifest)
  })
})

test('helm template: external URLs switch the in-chart servers off and are passed through', () => {
  const external = {
    DATABASE_URL: 'postgres://app:secret@db.example.com:5432/bakery',
    AMQP_URL: 'amqps://app:secret@mq.example.com:5671',
    REDIS_URL: 'rediss://cache.example.com:6380',
    INFLUX_URL: 'http://influx.example.com:8086',
  }
  const manifests = renderChart(
    CHART,
    [],
    [
      ...Object.entries(external).flatMap(([key, value]) => ['--set-string', `connections.${key}=${value}`]),
      '--set-string',
      'config.KAFKA_BROKERS=kafka-a.example.com:9092\\,kafka-b.example.com:9092',
    ],
  )
  assert.deepEqual(byKind(manifests, 'StatefulSet'), [], 'no in-chart server')
  assert.equal(find(manifests, 'Secret', 'bakery-data'), undefined)
  const connections = find<Data>(manifests, 'Secret', 'bakery-connections')?.stringData ?? {}
  for (const [key, value] of Object.entries(external)) assert.equal(connections[key], value)
  const config = find<Data>(manifests, 'ConfigMap', 'bakery-config')?.data ?? {}
  assert.equal(config.KAFKA_BROKERS, 'kafka-a.example.com:9092,kafka-b.example.com:9092')
  assert.equal(
    find<Data>(manifests, 'Job', 'bakery-migrate')?.metadata.annotations?.['helm.sh/hook'],
    'pre-install,pre-upgrade',
  )
})

test('helm template: Kafka runs N KRaft brokers, every one a voter, all listed for the services', () => {
  const manifests = renderChart(CHART, [], ['--set', 'kafka.brokers=3'])
  const kafka = find<Workload>(manifests, 'StatefulSet', 'bakery-kafka')
  assert.equal(kafka?.spec.replicas, 3)
  const env = Object.fromEntries(
    (kafka?.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]),
  )
  assert.equal(
    env.KAFKA_CONTROLLER_QUORUM_VOTERS,
    [0, 1, 2].map((i) => `${i}@bakery-kafka-${i}.bakery-kafka-headless:9093`).join(','),
  )
  assert.equal(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, '3')
  assert.equal(env.KAFKA_MIN_INSYNC_REPLICAS, '2')
  const config = find<Data>(manifests, 'ConfigMap', 'bakery-config')?.data ?? {}
  assert.equal(config.KAFKA_BROKERS?.split(',').length, 3)
})

test('helm template: TimescaleDB when enabled, and the telemetry store on an emptyDir when persistence is off', () => {
  const manifests = renderChart(
    CHART,
    [],
    ['--set', 'postgresql.timescaledb=true', '--set', 'telemetryStore.persistence.enabled=false'],
  )
  const postgres = find<
    Workload & { spec: { template: { spec: { containers: (Container & { args: string[] })[] } } } }
  >(manifests, 'StatefulSet', 'bakery-postgresql')
  const [container] = postgres?.spec.template.spec.containers ?? []
  assert.match(container?.image ?? '', /^timescale\/timescaledb:/)
  assert.ok(container?.args.includes('shared_preload_libraries=timescaledb'))
  assert.equal(find(manifests, 'PersistentVolumeClaim', 'bakery-telemetry'), undefined)
  const dashboard = find<Workload>(manifests, 'Deployment', 'bakery-dashboard')
  assert.ok(dashboard?.spec.template.spec.volumes?.find((v) => v.name === 'state')?.emptyDir)
})

test('helm template: the Ingress routes the dashboard only when ingress.dashboard is on, and then lets the controller in', () => {
  const paths = (manifests: Manifest[]) =>
    (
      byKind<
        Manifest & { spec: { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] } }
      >(manifests, 'Ingress')[0]?.spec.rules[0]?.http.paths ?? []
    ).map((p) => p.backend.service.name)
  const closed = renderChart(CHART, [PRODUCTION])
  assert.ok(paths(closed).includes('bakery-reception'))
  assert.ok(!paths(closed).includes('bakery-dashboard'), 'production does not expose the dashboard')
  const open = renderChart(CHART, [PRODUCTION], ['--set', 'ingress.dashboard=true'])
  assert.ok(paths(open).includes('bakery-dashboard'))
  const dashboard = find<Workload>(open, 'Deployment', 'bakery-dashboard')
  const env = dashboard?.spec.template.spec.containers[0]?.env ?? []
  assert.match(
    env.find((e) => e.name === 'BAKERY_DASHBOARD_ALLOWED_HOSTS')?.value ?? '',
    /,bakery\.example\.com$/,
    'the Ingress host is one the dashboard answers',
  )
  const policy = find<Policy>(open, 'NetworkPolicy', 'bakery-dashboard')
  assert.ok(
    policy?.spec.ingress.some((r) =>
      r.from.some((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'ingress-nginx'),
    ),
  )
  const reception = find<Policy>(closed, 'NetworkPolicy', 'bakery-reception')
  assert.ok(
    reception?.spec.ingress.some((r) =>
      r.from.some((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'ingress-nginx'),
    ),
    'a public service lets the ingress controller in',
  )
})

test('helm template in production: managed services only, HPAs, the collector sending sampled traces to Tempo', () => {
  const manifests = renderChart(CHART, [PRODUCTION])
  assert.deepEqual(byKind(manifests, 'StatefulSet'), [])
  const gatewayConfig = find<Data>(manifests, 'ConfigMap', 'bakery-otel-gateway')?.data?.['config.yaml'] ?? ''
  assert.match(gatewayConfig, /otlp\/traces:\s+endpoint: tempo-distributor\.observability:4317/)
  assert.match(gatewayConfig, /traces\/sampled:[\s\S]*?tail_sampling/)
  assert.equal(byKind(manifests, 'HorizontalPodAutoscaler').length, catalogue.length)
})
