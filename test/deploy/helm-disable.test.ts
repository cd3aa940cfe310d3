// services.<name>.disabled in the Helm chart: the pod runs with BAKERY_DISABLE=<name>, which the
// config accepts for stream services and refuses (naming the valid ones) for any other.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { type Manifest, renderChart } from '../support/helm.ts'

type Deployment = Manifest & {
  spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } }
}

const envOf = (manifests: Manifest[], name: string) =>
  (
    manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === `bakery-${name}`) as
      | Deployment
      | undefined
  )?.spec.template.spec.containers[0]?.env ?? []

test('helm services.<name>.disabled sets BAKERY_DISABLE on that service only', () => {
  const manifests = renderChart(
    'deploy/helm/bakery',
    [],
    ['--set', 'services.producer.disabled=true', '--set', 'services.consumer-low.disabled=true'],
  )
  for (const name of ['producer', 'consumer-low']) {
    const value = envOf(manifests, name).find((e) => e.name === 'BAKERY_DISABLE')?.value
    assert.equal(value, name)
    assert.deepEqual(loadConfig({ BAKERY_DISABLE: value ?? '' }).disabledServices, [name])
  }
  for (const name of ['consumer-high', 'event-api', 'aggregator', 'reception'])
    assert.equal(
      envOf(manifests, name).find((e) => e.name === 'BAKERY_DISABLE'),
      undefined,
      name,
    )
  const defaults = renderChart('deploy/helm/bakery')
  assert.equal(
    envOf(defaults, 'producer').find((e) => e.name === 'BAKERY_DISABLE'),
    undefined,
  )
})
