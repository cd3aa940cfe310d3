import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadPlatformConfig as loadConfig } from '../config/index.ts'
import { createTelemetry } from './telemetry.ts'

test('runtime metrics appear in every service /metrics text when telemetry is created', async (t) => {
  const telemetry = createTelemetry(loadConfig({ BAKERY_SPAN_STORE_SIZE: '0' }))
  t.after(() => telemetry.shutdown())
  const services = ['reception', 'baker'].map((name) => telemetry.forService(name))
  // Allocate enough to make V8 collect at least once, so the GC histogram has samples.
  let keep: number[][] = []
  for (let i = 0; i < 200; i++) keep.push(new Array(10_000).fill(i))
  keep = []
  await new Promise((resolve) => setTimeout(resolve, 50))
  for (const service of services) {
    const name = service.serviceName
    const text = await service.metricsText()
    for (const family of [
      'nodejs_eventloop_delay_p99_seconds',
      'nodejs_eventloop_utilization_ratio',
      'v8js_memory_heap_used_bytes',
      'v8js_memory_heap_limit_bytes',
      'process_memory_usage_bytes',
      'process_cpu_time_seconds_total',
    ]) {
      assert.match(text, new RegExp(`^${family}(\\{| )`, 'm'), `${name} lacks ${family}`)
    }
    assert.match(text, /^v8js_memory_heap_used_bytes\{[^}]*v8js_heap_space_name="new_space"/m)
    assert.match(text, /^process_cpu_time_seconds_total\{[^}]*cpu_mode="user"[^}]*\} [0-9.e-]+/m)
    const rss = Number(/^process_memory_usage_bytes(?:\{[^}]*\})? ([0-9.e+]+)/m.exec(text)?.[1])
    assert.ok(rss > 10_000_000, `rss ${rss} is a real process size`)
  }
  const text = await telemetry.forService('reception').metricsText()
  assert.match(text, /^v8js_gc_duration_seconds_count\{[^}]*v8js_gc_type="(minor|major|incremental|weakcb)"/m)
})
