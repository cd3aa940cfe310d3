// Compact specs of Bakery's Grafana dashboards; scripts/grafana-dashboards.ts renders them to
// JSON. Queries use the Prometheus names of the OpenTelemetry instruments in src/ (dots become
// underscores, counters end in _total, histograms add _bucket/_sum/_count) and `job` = service.

export interface PanelSpec {
  title: string
  unit: string
  queries: { expr: string; legend: string }[]
  /** timeseries (default) or stat. */
  type?: 'timeseries' | 'stat'
  description?: string
  /** Names shown for numeric values (Grafana value mappings), e.g. a breaker's state. */
  valueText?: Readonly<Record<number, string>>
}

export interface DashboardSpec {
  uid: string
  title: string
  description: string
  tags: string[]
  /** Regex of the `job` values (services) the dashboard's variable offers. */
  jobs: string
  panels: PanelSpec[]
}

const q = (expr: string, legend: string) => ({ expr, legend })
const RATE = '$__rate_interval'
const JOB = 'job=~"$job"'

/** Requests, errors and duration of the HTTP services selected by $job. */
function red(): PanelSpec[] {
  const duration = (quantile: number) =>
    q(
      `histogram_quantile(${quantile}, sum by (job, le) (rate(http_server_request_duration_seconds_bucket{${JOB}}[${RATE}])))`,
      `{{job}} p${Math.round(quantile * 100)}`,
    )
  return [
    {
      title: 'Requests per second by route',
      unit: 'reqps',
      queries: [
        q(
          `sum by (job, http_route, http_request_method) (rate(http_server_request_duration_seconds_count{${JOB}}[${RATE}]))`,
          '{{job}} {{http_request_method}} {{http_route}}',
        ),
      ],
    },
    {
      title: 'Error ratio (5xx)',
      unit: 'percentunit',
      queries: [
        q(
          `sum by (job) (rate(http_server_request_duration_seconds_count{${JOB}, http_response_status_code=~"5.."}[${RATE}])) / sum by (job) (rate(http_server_request_duration_seconds_count{${JOB}}[${RATE}]))`,
          '{{job}}',
        ),
      ],
    },
    {
      title: 'Client errors (4xx) per second',
      unit: 'reqps',
      queries: [
        q(
          `sum by (job, http_response_status_code) (rate(http_server_request_duration_seconds_count{${JOB}, http_response_status_code=~"4.."}[${RATE}]))`,
          '{{job}} {{http_response_status_code}}',
        ),
      ],
    },
    { title: 'Request duration', unit: 's', queries: [duration(0.5), duration(0.95), duration(0.99)] },
  ]
}

const runtime: DashboardSpec = {
  uid: 'bakery-runtime',
  title: 'Bakery / Runtime',
  description: 'Node.js runtime of every Bakery process: event loop, heap, GC, memory and CPU',
  tags: ['bakery', 'runtime'],
  jobs: '.*',
  panels: [
    {
      title: 'Event loop delay p99',
      unit: 's',
      queries: [
        q(`max by (job, instance) (nodejs_eventloop_delay_p99_seconds{${JOB}})`, '{{job}} {{instance}}'),
      ],
    },
    {
      title: 'Event loop utilisation',
      unit: 'percentunit',
      queries: [
        q(`max by (job, instance) (nodejs_eventloop_utilization_ratio{${JOB}})`, '{{job}} {{instance}}'),
      ],
    },
    {
      title: 'Heap used',
      unit: 'bytes',
      queries: [q(`sum by (job, instance) (v8js_memory_heap_used_bytes{${JOB}})`, '{{job}} {{instance}}')],
    },
    {
      title: 'Resident memory',
      unit: 'bytes',
      queries: [q(`max by (job, instance) (process_memory_usage_bytes{${JOB}})`, '{{job}} {{instance}}')],
    },
    {
      title: 'GC pause time per second',
      unit: 's',
      queries: [
        q(
          `sum by (job, v8js_gc_type) (rate(v8js_gc_duration_seconds_sum{${JOB}}[${RATE}]))`,
          '{{job}} {{v8js_gc_type}}',
        ),
      ],
    },
    {
      title: 'CPU (cores)',
      unit: 'short',
      queries: [
        q(
          `sum by (job, instance) (rate(process_cpu_time_seconds_total{${JOB}}[${RATE}]))`,
          '{{job}} {{instance}}',
        ),
      ],
    },
  ],
}

const orders: DashboardSpec = {
  uid: 'bakery-orders',
  title: 'Bakery / Orders overview',
  description: 'The bakery order pipeline: reception API, the orders queue and its dead letters',
  tags: ['bakery', 'orders'],
  jobs: 'reception|baker',
  panels: [
    {
      title: 'Orders per second: accepted, published, finished, dead-lettered',
      unit: 'ops',
      queries: [
        q(`sum(rate(bakery_orders_accepted_total[${RATE}]))`, 'accepted'),
        q(`sum(rate(bakery_orders_published_total[${RATE}]))`, 'published'),
        q(`sum(rate(bakery_orders_finished_total[${RATE}]))`, 'finished'),
        q(`sum(rate(bakery_orders_dead_lettered_total[${RATE}]))`, 'dead-lettered'),
      ],
    },
    {
      title: 'Orders finished per second by pastry',
      unit: 'ops',
      queries: [
        q(`sum by (bakery_pastry) (rate(bakery_orders_finished_total[${RATE}]))`, '{{bakery_pastry}}'),
      ],
    },
    {
      title: 'Time on queue and order completion',
      unit: 'ms',
      queries: [
        q(
          `histogram_quantile(0.5, sum by (le) (rate(bakery_order_time_on_queue_milliseconds_bucket[${RATE}])))`,
          'on queue p50',
        ),
        q(
          `histogram_quantile(0.99, sum by (le) (rate(bakery_order_time_on_queue_milliseconds_bucket[${RATE}])))`,
          'on queue p99',
        ),
        q(
          `histogram_quantile(0.5, sum by (le) (rate(bakery_order_time_to_completion_milliseconds_bucket[${RATE}])))`,
          'completion p50',
        ),
        q(
          `histogram_quantile(0.99, sum by (le) (rate(bakery_order_time_to_completion_milliseconds_bucket[${RATE}])))`,
          'completion p99',
        ),
      ],
    },
    {
      title: 'Queue depth (orders and its dead-letter queue)',
      unit: 'short',
      description: "The baker's own gauge; works with the embedded queue and RabbitMQ alike",
      queries: [
        q('max by (messaging_destination_name) (bakery_queue_depth)', '{{messaging_destination_name}}'),
      ],
    },
    {
      title: 'RabbitMQ: ready and unacked orders',
      unit: 'short',
      description: "RabbitMQ's per-queue metrics (job rabbitmq in deploy/prometheus/prometheus.yml)",
      queries: [
        q('sum by (queue) (rabbitmq_queue_messages_ready{queue=~"orders.*"})', 'ready {{queue}}'),
        q('sum by (queue) (rabbitmq_queue_messages_unacked{queue=~"orders.*"})', 'unacked {{queue}}'),
      ],
    },
    ...red(),
  ],
}

const albums: DashboardSpec = {
  uid: 'bakery-albums',
  title: 'Bakery / Album store and proxy',
  description: 'Rate, errors and duration of the album store and the album proxy',
  tags: ['bakery', 'albums'],
  jobs: 'album.*',
  panels: red(),
}

const tracking: DashboardSpec = {
  uid: 'bakery-tracking',
  title: 'Bakery / Tracking journey',
  description: 'Per-hop and end-to-end latency of tracked requests, in flight and stalled',
  tags: ['bakery', 'tracking'],
  jobs: 'reception|enrichment|response-builder',
  panels: [
    {
      title: 'Hop latency p50 / p99 by hop',
      unit: 'ms',
      queries: [
        q(
          `histogram_quantile(0.5, sum by (tracking_hop, le) (rate(tracking_hop_duration_milliseconds_bucket[${RATE}])))`,
          '{{tracking_hop}} p50',
        ),
        q(
          `histogram_quantile(0.99, sum by (tracking_hop, le) (rate(tracking_hop_duration_milliseconds_bucket[${RATE}])))`,
          '{{tracking_hop}} p99',
        ),
      ],
    },
    {
      title: 'Journey latency (entry to response)',
      unit: 'ms',
      queries: [
        q(
          `histogram_quantile(0.5, sum by (le) (rate(tracking_journey_duration_milliseconds_bucket[${RATE}])))`,
          'p50',
        ),
        q(
          `histogram_quantile(0.99, sum by (le) (rate(tracking_journey_duration_milliseconds_bucket[${RATE}])))`,
          'p99',
        ),
      ],
    },
    {
      title: 'Hops per second',
      unit: 'ops',
      queries: [
        q(
          `sum by (tracking_hop) (rate(tracking_hop_duration_milliseconds_count[${RATE}]))`,
          '{{tracking_hop}}',
        ),
      ],
    },
    {
      title: 'Requests in flight and stalled',
      unit: 'short',
      queries: [
        q('sum(tracking_requests_in_flight)', 'in flight'),
        q('sum(tracking_requests_stalled)', 'stalled'),
      ],
    },
  ],
}

const stream: DashboardSpec = {
  uid: 'bakery-stream',
  title: 'Bakery / Stream pipeline',
  description: 'Event ingest, consumer lag and store write latency of the stream pipeline',
  tags: ['bakery', 'stream'],
  jobs: 'producer|event-api|consumer-high|consumer-low|aggregator',
  panels: [
    {
      title: 'Events ingested per second',
      unit: 'ops',
      queries: [q(`sum by (service) (rate(bakery_stream_events_ingested_total[${RATE}]))`, '{{service}}')],
    },
    {
      title: 'Events rejected per second by reason',
      unit: 'ops',
      queries: [
        q(
          `sum by (service, reason) (rate(bakery_stream_events_rejected_total[${RATE}]))`,
          '{{service}} {{reason}}',
        ),
      ],
    },
    {
      title: 'Ingest rate (service-reported)',
      unit: 'ops',
      queries: [q('sum by (service) (bakery_stream_events_ingest_rate_per_second)', '{{service}}')],
    },
    {
      title: 'Consumer lag by group and partition',
      unit: 'short',
      queries: [
        q(
          'max by (messaging_consumer_group_name, partition) (bakery_stream_consumer_lag)',
          '{{messaging_consumer_group_name}} p{{partition}}',
        ),
      ],
    },
    {
      title: 'Store write latency p50 / p99',
      unit: 's',
      queries: [
        q(
          `histogram_quantile(0.5, sum by (db_system, le) (rate(bakery_stream_store_write_duration_seconds_bucket[${RATE}])))`,
          '{{db_system}} p50',
        ),
        q(
          `histogram_quantile(0.99, sum by (db_system, le) (rate(bakery_stream_store_write_duration_seconds_bucket[${RATE}])))`,
          '{{db_system}} p99',
        ),
      ],
    },
    ...red(),
  ],
}

const resilience: DashboardSpec = {
  uid: 'bakery-resilience',
  title: 'Bakery / Breakers and faults',
  description:
    'Circuit breakers (payments, album store, database, Redis), their transitions, payment outcomes and the errors injected faults cause',
  tags: ['bakery', 'resilience'],
  jobs: '.*',
  panels: [
    {
      // One encoding for every breaker (payments, album-store, database, tracking-store,
      // rate-limit-store): BREAKER_STATE_VALUE in src/platform/resilience/registry.ts.
      title: 'Circuit breaker state (0 closed, 1 open, 2 half-open, 3 isolated)',
      unit: 'short',
      valueText: { 0: 'closed', 1: 'open', 2: 'half-open', 3: 'isolated' },
      queries: [
        q(
          `max by (job, circuit_breaker_name) (bakery_circuit_breaker_state{${JOB}})`,
          '{{job}} {{circuit_breaker_name}}',
        ),
      ],
    },
    {
      title: 'Breaker transitions per minute by new state',
      unit: 'short',
      queries: [
        q(
          `sum by (circuit_breaker_name, state) (increase(bakery_circuit_breaker_transitions_total{${JOB}}[1m]))`,
          '{{circuit_breaker_name}} → {{state}}',
        ),
      ],
    },
    {
      title: 'Payment outcomes per second',
      unit: 'ops',
      queries: [
        q(`sum by (outcome) (rate(coffee_payments_outcomes_total[${RATE}]))`, '{{outcome}}'),
        q(`sum(rate(bakery_payments_authorised_total[${RATE}]))`, 'authorised by payments'),
      ],
    },
    {
      title: 'Coffee orders awaiting payment',
      unit: 'short',
      queries: [q('sum(coffee_orders_awaiting_payment)', 'awaiting payment')],
    },
    {
      title: 'Server errors (5xx) per second by service',
      unit: 'reqps',
      queries: [
        q(
          `sum by (job, http_response_status_code) (rate(http_server_request_duration_seconds_count{${JOB}, http_response_status_code=~"5.."}[${RATE}]))`,
          '{{job}} {{http_response_status_code}}',
        ),
      ],
    },
    {
      title: 'Dead-lettered messages per second',
      unit: 'ops',
      queries: [
        q(`sum(rate(bakery_orders_dead_lettered_total[${RATE}]))`, 'bakery orders'),
        q(`sum(rate(coffee_orders_dead_lettered_total[${RATE}]))`, 'coffee orders'),
      ],
    },
  ],
}

export const dashboards: readonly DashboardSpec[] = [orders, tracking, stream, albums, resilience, runtime]

/** The Grafana JSON model (schemaVersion 39) of one dashboard. */
function valueMappings(names: Readonly<Record<number, string>>) {
  const options = Object.fromEntries(
    Object.entries(names).map(([value, text], index) => [value, { text, index }]),
  )
  return [{ type: 'value', options }]
}

export function renderDashboard(spec: DashboardSpec): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: 'prometheus' }
  const panels = spec.panels.map((panel, i) => ({
    id: i + 1,
    type: panel.type ?? 'timeseries',
    title: panel.title,
    description: panel.description ?? '',
    datasource,
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    fieldConfig: {
      defaults: {
        unit: panel.unit,
        ...(panel.valueText ? { mappings: valueMappings(panel.valueText) } : {}),
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
    targets: panel.queries.map((query, j) => ({
      refId: String.fromCharCode(65 + j),
      datasource,
      expr: query.expr,
      legendFormat: query.legend,
      // Exemplars (Prometheus with --enable-feature=exemplar-storage) mark single requests and
      // orders on the latency panels: trace_id opens the trace, order_key names the order.
      exemplar: query.expr.includes('_bucket'),
    })),
  }))
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '10s',
    time: { from: 'now-30m', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'job',
          label: 'service',
          type: 'query',
          datasource,
          query: { query: 'label_values(target_info, job)', refId: 'job' },
          regex: `/^(${spec.jobs})$/`,
          includeAll: true,
          multi: true,
          current: { text: 'All', value: '$__all' },
          refresh: 2,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  }
}
