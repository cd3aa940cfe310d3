import assert from 'node:assert/strict'
import { test } from 'node:test'
import { wantsOpenMetrics } from './metrics-format.ts'

test('metrics format is OpenMetrics only when the Accept header prefers it', () => {
  const cases: [string | undefined, boolean][] = [
    // Prometheus 2.x and 3.x scrapes
    [
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      true,
    ],
    [
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3',
      true,
    ],
    ['application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', true],
    ['application/openmetrics-text', true],
    // everything else keeps the Prometheus text it always got
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['text/plain', false],
    ['text/plain;version=0.0.4,application/openmetrics-text;version=1.0.0;q=0.5', false],
    ['application/openmetrics-text;version=1.0.0;q=0', false],
    ['application/openmetrics-text;version=2.0.0', false],
  ]
  for (const [accept, expected] of cases) assert.equal(wantsOpenMetrics(accept), expected, String(accept))
})
