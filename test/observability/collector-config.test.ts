// deploy/otel-collector/{agent,gateway}.yaml parsed and checked: every pipeline references only
// components the file defines, every defined component is used, memory_limiter runs first, and
// the gateway's tail sampling keeps errors and slow traces.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { readRepoFile } from '../support/deploy.ts'

interface Pipeline {
  receivers?: string[]
  processors?: string[]
  exporters?: string[]
}
interface CollectorConfig {
  extensions?: Record<string, unknown>
  receivers?: Record<string, unknown>
  processors?: Record<string, unknown>
  exporters?: Record<string, unknown>
  connectors?: Record<string, unknown>
  service: { extensions?: string[]; pipelines: Record<string, Pipeline> }
}

const SIGNALS = new Set(['traces', 'metrics', 'logs'])
const load = (role: string) => parse(readRepoFile(`deploy/otel-collector/${role}.yaml`)) as CollectorConfig

for (const role of ['agent', 'gateway']) {
  describe(`collector ${role} config`, () => {
    const config = load(role)
    const defined = (section: keyof Omit<CollectorConfig, 'service'>) =>
      new Set(Object.keys(config[section] ?? {}))

    test(`${role} pipelines reference only defined components`, () => {
      const connectors = defined('connectors')
      for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
        assert.ok(SIGNALS.has(name.split('/')[0] ?? ''), `pipeline ${name} is not traces/metrics/logs`)
        assert.ok((pipeline.receivers ?? []).length > 0, `${name} has no receiver`)
        assert.ok((pipeline.exporters ?? []).length > 0, `${name} has no exporter`)
        for (const r of pipeline.receivers ?? [])
          assert.ok(defined('receivers').has(r) || connectors.has(r), `${name}: receiver ${r}`)
        for (const p of pipeline.processors ?? [])
          assert.ok(defined('processors').has(p), `${name}: processor ${p}`)
        for (const e of pipeline.exporters ?? [])
          assert.ok(defined('exporters').has(e) || connectors.has(e), `${name}: exporter ${e}`)
        assert.equal(pipeline.processors?.[0], 'memory_limiter', `${name}: memory_limiter must come first`)
        assert.ok(pipeline.processors?.includes('batch'), `${name}: batch`)
      }
      for (const e of config.service.extensions ?? [])
        assert.ok(defined('extensions').has(e), `extension ${e}`)
    })

    test(`${role} defines no component that no pipeline uses`, () => {
      const pipelines = Object.values(config.service.pipelines)
      const used = new Set(
        pipelines.flatMap((p) => [...(p.receivers ?? []), ...(p.processors ?? []), ...(p.exporters ?? [])]),
      )
      for (const section of ['receivers', 'processors', 'exporters'] as const) {
        for (const name of defined(section)) assert.ok(used.has(name), `${section}.${name} is unused`)
      }
      for (const name of defined('extensions'))
        assert.ok(config.service.extensions?.includes(name), `extension ${name} unused`)
    })
  })
}

test('collector gateway tail-samples errors and slow traces and exports to Jaeger/Tempo and Prometheus', () => {
  const gateway = load('gateway')
  const tail = gateway.processors?.tail_sampling as {
    policies: { type: string; status_code?: { status_codes: string[] } }[]
  }
  assert.ok(gateway.service.pipelines.traces?.processors?.includes('tail_sampling'))
  const types = tail.policies.map((p) => p.type)
  assert.ok(types.includes('latency'), 'keeps slow traces')
  const status = tail.policies.find((p) => p.type === 'status_code')
  assert.deepEqual(status?.status_code?.status_codes, ['ERROR'])
  const exporters = Object.keys(gateway.exporters ?? {})
  assert.ok(
    exporters.some((e) => e.startsWith('otlp')),
    'OTLP exporter to Jaeger/Tempo',
  )
  assert.ok(gateway.service.pipelines.metrics?.exporters?.includes('prometheus'))
  assert.match(readRepoFile('deploy/otel-collector/gateway.yaml'), /vendor backend/i)
})

test('collector agent forwards every signal to the gateway and samples nothing itself', () => {
  const agent = load('agent')
  for (const signal of SIGNALS) {
    assert.deepEqual(agent.service.pipelines[signal]?.exporters, ['otlp/gateway'])
    assert.ok(!agent.service.pipelines[signal]?.processors?.includes('tail_sampling'))
  }
})
