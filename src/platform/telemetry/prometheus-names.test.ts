import assert from 'node:assert/strict'
import { test } from 'node:test'
import { prometheusName, unitSuffix } from './prometheus-names.ts'

test('prometheus names carry the unit suffix and _total as the OTel compatibility rules give them', () => {
  const cases: [string, string | undefined, 'counter' | 'gauge' | 'histogram', string][] = [
    ['http.server.request.duration', 's', 'histogram', 'http_server_request_duration_seconds'],
    ['bakery.order.time_on_queue', 'ms', 'histogram', 'bakery_order_time_on_queue_milliseconds'],
    ['process.memory.usage', 'By', 'gauge', 'process_memory_usage_bytes'],
    ['process.cpu.time', 's', 'counter', 'process_cpu_time_seconds_total'],
    ['bakery.orders.accepted', undefined, 'counter', 'bakery_orders_accepted_total'],
    ['nodejs.eventloop.utilization', '1', 'gauge', 'nodejs_eventloop_utilization_ratio'],
    ['jobs.done', '1', 'counter', 'jobs_done_total'],
    ['tracking.requests.in_flight', '{request}', 'gauge', 'tracking_requests_in_flight'],
    ['bakery.stream.events.ingest_rate', '{event}/s', 'gauge', 'bakery_stream_events_ingest_rate_per_second'],
    ['net.io', 'By/s', 'gauge', 'net_io_bytes_per_second'],
    ['already_seconds', 's', 'histogram', 'already_seconds'],
    ['requests_total', undefined, 'counter', 'requests_total'],
    ['errors_total', 's', 'counter', 'errors_seconds_total'],
  ]
  for (const [name, unit, kind, expected] of cases)
    assert.equal(prometheusName(name, unit, kind), expected, name)
})

test('prometheus unit suffix keeps an unknown unit as a sanitized word and drops annotations', () => {
  assert.equal(unitSuffix('{packet}', 'gauge'), '')
  assert.equal(unitSuffix('Cel', 'gauge'), 'celsius')
  assert.equal(unitSuffix('widgets', 'gauge'), 'widgets')
})
