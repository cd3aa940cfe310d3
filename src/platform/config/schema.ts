// The one config schema. Every env var the product reads is declared here; the README table is
// checked against this file by a test. Defaults run every service embedded (no external server).
import { FAULT_TEXT_SYNTAX, faultTextProblems } from '../faults/index.ts'
import {
  brokerList,
  checked,
  decimal,
  flag,
  integer,
  keyValues,
  listOf,
  oneOf,
  optionalText,
  optionalUrl,
  text,
  url,
} from './fields.ts'

/** OTEL_PROPAGATORS values Bakery implements (the spec's names). */
export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none'] as const

/** The stream services BAKERY_DISABLE can switch off one by one. */
export const STREAM_SERVICES = [
  'producer',
  'event-api',
  'consumer-high',
  'consumer-low',
  'aggregator',
] as const

const port = (env: string, fallback: number, doc: string) =>
  integer(env, fallback, { min: 0, max: 65535, doc })

export const schema = {
  // --- process
  host: text('HOST', '127.0.0.1', {
    doc: 'Address every HTTP service binds to; loopback by default, 0.0.0.0 in containers (a non-loopback address needs a 32+ character BAKERY_ADMIN_TOKEN)',
  }),
  logLevel: oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    doc: 'Minimum log level',
  }),
  logFormat: oneOf('LOG_FORMAT', 'auto', ['auto', 'json', 'pretty'], {
    doc: 'auto = readable on a terminal, JSON lines otherwise',
  }),
  shutdownTimeoutMs: integer('BAKERY_SHUTDOWN_TIMEOUT_MS', 15000, {
    min: 100,
    max: 600000,
    doc: 'How long SIGTERM/SIGINT waits for in-flight work before exiting',
  }),
  bodyLimitBytes: integer('BAKERY_BODY_LIMIT_BYTES', 1048576, {
    min: 1024,
    max: 104857600,
    doc: 'Largest HTTP request body accepted (413 above)',
  }),
  trustProxy: text('BAKERY_TRUST_PROXY', 'false', {
    doc: "Whether to believe X-Forwarded-For/-Proto (client address for rate limits and logs): false, true, a hop count, or the proxies' addresses/CIDRs, comma-separated",
  }),
  rateLimitWrites: integer('BAKERY_RATE_LIMIT_WRITES', 5000, {
    min: 0,
    max: 1000000,
    doc: 'Writes (POST/PUT/PATCH/DELETE) one client address may send to a service per second, 429 beyond; 0 = no limit (benchmarks)',
  }),
  port: optionalText('PORT', {
    doc: 'Port of the one service started alone (overrides its own port variable; ignored with several)',
  }),

  // --- ports (SPEC section 0)
  receptionPort: port('BAKERY_RECEPTION_PORT', 8000, 'Bakery reception and order journey API'),
  coffeePort: port('BAKERY_COFFEE_PORT', 8080, 'Coffee shop reception'),
  paymentsPort: port('BAKERY_PAYMENTS_PORT', 8081, 'Payments service'),
  albumStorePort: port('BAKERY_ALBUM_STORE_PORT', 9080, 'Album store'),
  albumProxyPort: port('BAKERY_ALBUM_PROXY_PORT', 9070, 'Album proxy'),
  eventApiPort: port('BAKERY_EVENT_API_PORT', 9998, 'Stream event API'),
  aggregatorPort: port('BAKERY_AGGREGATOR_PORT', 9995, 'Stream aggregator (GET /api)'),
  consumerHighPort: port('BAKERY_CONSUMER_HIGH_PORT', 9996, 'Stream consumer-high health and metrics'),
  consumerLowPort: port('BAKERY_CONSUMER_LOW_PORT', 9997, 'Stream consumer-low health and metrics'),
  dashboardPort: port('BAKERY_DASHBOARD_PORT', 3000, 'Dashboard: web UI, trace viewer, OTLP/HTTP receiver'),
  dashboardOtlpGrpcPort: port('BAKERY_DASHBOARD_OTLP_GRPC_PORT', 4317, 'Dashboard: OTLP/gRPC trace receiver'),
  workerPort: port(
    'BAKERY_WORKER_PORT',
    9464,
    'Health and metrics of the workers: a worker started alone, or all workers of bakery start',
  ),

  // --- infrastructure: memory:// means the embedded adapter
  databaseUrl: url('DATABASE_URL', 'memory://', ['memory:', 'pglite:', 'postgres:', 'postgresql:'], {
    doc: 'PostgreSQL; memory:// = one shared in-process PGlite, pglite:///dir = PGlite on disk. Seed POSTGRES_HOST/PORT/USER/PASSWORD/DB/USE_SSL also work',
    secret: true,
  }),
  databasePoolSize: integer('DATABASE_POOL_SIZE', 20, {
    min: 1,
    max: 500,
    doc: 'PostgreSQL pool size per process',
  }),
  amqpUrl: url('AMQP_URL', 'memory://', ['memory:', 'amqp:', 'amqps:'], {
    doc: 'RabbitMQ; memory:// = in-process queue. Seed names RABBIT_HOST/RABBIT_USERNAME/RABBIT_PASSWORD also work',
    secret: true,
  }),
  redisUrl: url('REDIS_URL', 'memory://', ['memory:', 'redis:', 'rediss:'], {
    doc: "Redis; memory:// = in-process store. The seed's DB_HOST (host:port) also works",
    secret: true,
  }),
  kafkaBrokers: brokerList('KAFKA_BROKERS', 'memory://', {
    doc: 'Kafka bootstrap brokers; memory:// = in-process stream. Seed KAFKA_HOST/KAFKA_PORT also work',
  }),
  influxUrl: url('INFLUX_URL', 'memory://', ['memory:', 'http:', 'https:'], {
    doc: 'InfluxDB HTTP API (1.x API or 2.x/3.x v1-compatibility); memory:// = in-process store; http://:<token>@host:8086 sends an API token. Seed INFLUXDB_HOST/INFLUXDB_TOKEN also work (INFLUXDB_ORG is implied by the token)',
    secret: true,
  }),

  // --- bakery orders (issue 4)
  bakeTimeScale: decimal('BAKE_TIME_SCALE', 1, {
    min: 0,
    max: 100,
    doc: 'Factor on the seed bake times (FNV-1a-32 of the pastry mod 100 ms); 0 = no bake delay',
  }),
  bakerPrefetch: integer('BAKER_PREFETCH', 100, {
    min: 1,
    max: 10000,
    doc: 'Orders one baker process works on at once (unacked messages)',
  }),
  bakerMistakeRate: decimal('BAKER_MISTAKE_RATE', 0.1, {
    min: 0,
    max: 1,
    doc: 'Probability that a bake is a "mistake" and is done again (seed: 0.1)',
  }),
  bakerMaxAttempts: integer('BAKER_MAX_ATTEMPTS', 5, {
    min: 1,
    max: 100,
    doc: 'Attempts per order message before it goes to orders.dead',
  }),
  bakerRetryDelayMs: integer('BAKER_RETRY_DELAY_MS', 200, {
    min: 1,
    max: 60000,
    doc: 'First retry delay of a failed order message (doubles per attempt, capped at 10 s)',
  }),
  ordersQueue: text('BAKERY_ORDERS_QUEUE', 'orders', {
    maxLength: 200,
    doc: 'Queue of the bakery orders (dead letters go to <name>.dead); change it to run several bakeries on one broker',
  }),
  ordersSchema: text('BAKERY_ORDERS_SCHEMA', 'bakery', {
    maxLength: 63,
    doc: 'PostgreSQL schema of the bakery orders and their outbox (lowercase letters, digits, _)',
  }),
  outboxPollMs: integer('BAKERY_OUTBOX_POLL_MS', 5000, {
    min: 100,
    max: 600000,
    doc: 'How often the outbox relay looks for messages a crashed process left unpublished',
  }),

  // --- tracking pipeline (order journey)
  orderJourney: flag('BAKERY_ORDER_JOURNEY', true, {
    doc: 'Orders pass the tracking hops: orders → enrichment → orders.enriched → baker → orders.baked → response-builder. false: the baker takes orders straight from the orders queue',
  }),
  trackingPrefix: text('BAKERY_TRACKING_PREFIX', 'bakery:journey:', {
    maxLength: 200,
    doc: 'Redis key prefix of the tracking records, so deployments can share one Redis',
  }),
  trackingTtlSeconds: integer('BAKERY_TRACKING_TTL_SECONDS', 86400, {
    min: 1,
    max: 2592000,
    doc: 'How long a tracking record (an order journey) is kept',
  }),
  heartbeatMs: integer('BAKERY_HEARTBEAT_MS', 1000, {
    min: 10,
    max: 600000,
    doc: 'Heartbeat interval of a tracking hop while it works',
  }),
  stallAfterMs: integer('BAKERY_STALL_AFTER_MS', 5000, {
    min: 20,
    max: 3600000,
    doc: 'Silence after which a hop that started and has not ended counts as stalled',
  }),
  trackingTimeoutMs: integer('BAKERY_TRACKING_TIMEOUT_MS', 5000, {
    min: 10,
    max: 60000,
    doc: "Time limit of the bakery reception's calls to the tracking store in Redis (accepted hop, journey reads); each one over it counts against the tracking-store breaker",
  }),
  hopPrefetch: integer('BAKERY_HOP_PREFETCH', 200, {
    min: 1,
    max: 10000,
    doc: 'Messages each tracking hop (enrichment, response-builder) works on at once',
  }),

  // --- resilience, failure injection, coffee shop
  adminToken: optionalText('BAKERY_ADMIN_TOKEN', {
    doc: 'Bearer token of the admin API and the dashboard login (32+ characters unless HOST is loopback); unset = the token in BAKERY_ADMIN_TOKEN_FILE, generated on first use',
    secret: true,
  }),
  adminTokenFile: text('BAKERY_ADMIN_TOKEN_FILE', '.bakery/admin-token', {
    doc: 'Where a generated admin token is kept (mode 0600) for the CLI and the next start, when BAKERY_ADMIN_TOKEN is unset',
  }),
  faults: checked(
    text('BAKERY_FAULTS', '', {
      maxLength: 16384,
      doc: 'Faults injected from the start (docs/faults.md), e.g. payments.http:error:rate=0.5;baker.db:latency:ms=200',
    }),
    faultTextProblems,
    FAULT_TEXT_SYNTAX,
  ),
  paymentsUrl: url('BAKERY_PAYMENTS_URL', 'http://127.0.0.1:8081', ['http:', 'https:'], {
    doc: 'Where coffee reception finds the payments service',
  }),
  paymentsTimeoutMs: integer('BAKERY_PAYMENTS_TIMEOUT_MS', 2000, {
    min: 10,
    max: 60000,
    doc: 'Timeout of one call to payments (the resilience policy retries and breaks around it)',
  }),
  baristaPrefetch: integer('BAKERY_BARISTA_PREFETCH', 12, {
    min: 1,
    max: 1000,
    doc: 'Orders a barista process holds at once (its three baristas share them)',
  }),
  coffeeRateLimit: integer('BAKERY_COFFEE_RATE_LIMIT', 1200, {
    min: 0,
    max: 1000000,
    doc: 'POST /orders per client (IP) per minute on coffee reception, 0 = off; shared through Redis when REDIS_URL is redis://',
  }),
  coffeeMaxBacklog: integer('BAKERY_COFFEE_MAX_BACKLOG', 10000, {
    min: 1,
    max: 10000000,
    doc: 'Unpublished outbox rows above which coffee reception answers 503 + Retry-After',
  }),
  maxEventLoopDelayMs: integer('BAKERY_MAX_EVENT_LOOP_DELAY_MS', 1000, {
    min: 0,
    max: 60000,
    doc: 'Event-loop lag above which coffee reception sheds load with 503 + Retry-After, 0 = off',
  }),

  influxApi: oneOf('BAKERY_INFLUX_API', 'v1', ['v1', 'v2'], {
    doc: 'InfluxDB API: v1 = /write + InfluxQL (1.x, and 2.x/3.x v1 compatibility); v2 = InfluxDB 2 /api/v2 with INFLUX_ORG and a token',
  }),
  influxToken: optionalText('INFLUX_TOKEN', {
    doc: 'InfluxDB 2.x/3.x API token (sent as Authorization: Token), instead of one in INFLUX_URL. Seed INFLUXDB_TOKEN also works',
    secret: true,
  }),
  influxOrg: optionalText('INFLUX_ORG', {
    doc: 'InfluxDB 2 organisation (BAKERY_INFLUX_API=v2). Seed INFLUXDB_ORG also works',
  }),
  influxDatabase: text('INFLUX_DATABASE', 'bakery', {
    doc: 'InfluxDB database (1.x) or the bucket (2.x/3.x v1 compatibility). Seed INFLUXDB_BUCKET also works',
    maxLength: 128,
  }),

  // --- stream pipeline (SPEC section 3; seed names where the seed had one)
  disable: flag('DISABLE', false, {
    doc: 'Stream services do nothing (producer drops, API and aggregator answer without work); also the -x flag',
  }),
  disabledServices: listOf('BAKERY_DISABLE', '', STREAM_SERVICES, {
    doc: 'Stream services that do nothing, as DISABLE does for all of them (e.g. producer,consumer-low)',
  }),
  kafkaTopic: text('KAFKA_TOPIC', 'events', { doc: 'Topic of the stream events', maxLength: 200 }),
  streamPartitions: integer('BAKERY_STREAM_PARTITIONS', 3, {
    min: 1,
    max: 256,
    doc: 'Partitions of the events topic when the pipeline creates it',
  }),
  streamGroupPrefix: text('BAKERY_STREAM_GROUP_PREFIX', 'bakery', {
    doc: 'Consumer groups are <prefix>.consumer-high and <prefix>.consumer-low',
    maxLength: 100,
  }),
  streamSchema: text('BAKERY_STREAM_SCHEMA', 'stream', {
    doc: 'PostgreSQL schema of consumer-high (events, state) read by the aggregator',
    maxLength: 63,
  }),
  watermark: decimal('WATERMARK', 5, {
    min: -1e9,
    max: 1e9,
    doc: 'Threshold: amount > WATERMARK goes to consumer-high, the rest (5 included) to consumer-low',
  }),
  aggregatorMaxSubscribers: integer('BAKERY_AGGREGATOR_MAX_SUBSCRIBERS', 200, {
    min: 1,
    max: 100000,
    doc: 'Live streams (GET /api/stream) the aggregator serves at once; 503 with Retry-After beyond. Subscribers of one bucket size share one query per bucket',
  }),
  maxPreferWaits: integer('BAKERY_MAX_PREFER_WAITS', 1000, {
    min: 1,
    max: 100000,
    doc: 'POST /orders requests with Prefer: wait one reception holds at once; 503 with Retry-After beyond',
  }),
  embeddedRetentionBytes: integer('BAKERY_EMBEDDED_RETENTION_BYTES', 16777216, {
    min: 1048576,
    max: 17179869184,
    doc: 'Bytes the embedded stream keeps per partition and the embedded time-series store keeps in all; the oldest go first (counted)',
  }),
  embeddedRetentionMs: integer('BAKERY_EMBEDDED_RETENTION_MS', 3600000, {
    min: 1000,
    max: 2592000000,
    doc: 'Age after which the embedded stream and time-series store drop records and points',
  }),
  streamRate: decimal('BAKERY_STREAM_RATE', 1, {
    min: 0.01,
    max: 100000,
    doc: 'Events per second the producer creates',
  }),
  streamPostIntervalMs: integer('BAKERY_STREAM_POST_INTERVAL_MS', 2000, {
    min: 10,
    max: 600000,
    doc: 'How often the producer posts its buffer to the event API',
  }),
  streamApiUrl: url('BAKERY_STREAM_API_URL', 'http://127.0.0.1:9998/', ['http:', 'https:'], {
    doc: 'Event API the producer posts to (seed API_HOST/API_PORT also work)',
  }),
  plainText: flag('PLAIN_TEXT', false, {
    doc: 'Producer posts application/text (one JSON event per line) instead of a JSON array',
  }),
  streamMaxEvents: integer('BAKERY_STREAM_MAX_EVENTS', 10000, {
    min: 1,
    max: 1000000,
    doc: 'Most events one event API request may carry (400 above)',
  }),
  streamBatchSize: integer('BAKERY_STREAM_BATCH_SIZE', 10000, {
    min: 1,
    max: 1000000,
    doc: 'Most records a consumer writes in one store batch',
  }),
  streamFlushMs: integer('BAKERY_STREAM_FLUSH_MS', 2000, {
    min: 1,
    max: 600000,
    doc: 'How long a consumer waits to fill a batch before writing it',
  }),
  streamRetryMs: integer('BAKERY_STREAM_RETRY_MS', 5000, {
    min: 1,
    max: 600000,
    doc: 'Pause before a consumer retries a batch its store refused',
  }),

  // --- albums (issue 7)
  albumStoreUrl: optionalUrl('ALBUM_STORE_URL', ['http:', 'https:'], {
    doc: 'Album store the proxy calls (seed name); unset = http://127.0.0.1:<BAKERY_ALBUM_STORE_PORT>',
  }),
  albumProxyTimeoutMs: integer('BAKERY_ALBUM_PROXY_TIMEOUT_MS', 2000, {
    min: 10,
    max: 120000,
    doc: 'Album proxy: time limit of one call to the store (504 after it)',
  }),
  albumProxyRetries: integer('BAKERY_ALBUM_PROXY_RETRIES', 2, {
    min: 0,
    max: 10,
    doc: 'Album proxy: retries of a failed idempotent GET',
  }),
  albumProxyBreakerFailures: integer('BAKERY_ALBUM_PROXY_BREAKER_FAILURES', 5, {
    min: 1,
    max: 1000,
    doc: 'Album proxy: consecutive store failures that open the circuit breaker',
  }),
  albumProxyBreakerHalfOpenMs: integer('BAKERY_ALBUM_PROXY_BREAKER_HALF_OPEN_MS', 5000, {
    min: 10,
    max: 600000,
    doc: 'Album proxy: how long the open breaker answers 503 before letting one call through',
  }),
  albumRateLimitMax: integer('BAKERY_ALBUM_RATE_LIMIT_MAX', 10000, {
    min: 0,
    max: 10000000,
    doc: 'Album store: requests per client address per window (429 above; 0 = off)',
  }),
  albumRateLimitWindowMs: integer('BAKERY_ALBUM_RATE_LIMIT_WINDOW_MS', 1000, {
    min: 10,
    max: 3600000,
    doc: 'Album store: rate limit window',
  }),
  albumMaxEventLoopDelayMs: integer('BAKERY_ALBUM_MAX_EVENT_LOOP_DELAY_MS', 1000, {
    min: 0,
    max: 600000,
    doc: 'Album store: event loop delay above which it sheds load with 503 (0 = off)',
  }),

  // --- telemetry (standard OpenTelemetry names)
  otelSdkDisabled: flag('OTEL_SDK_DISABLED', false, { doc: 'Turn tracing and OTel metrics off' }),
  otelServiceName: optionalText('OTEL_SERVICE_NAME', {
    doc: 'Overrides service.name when one service runs alone',
  }),
  otelResourceAttributes: keyValues('OTEL_RESOURCE_ATTRIBUTES', {
    doc: 'Extra resource attributes, k=v,k2=v2',
  }),
  otlpEndpoint: optionalUrl('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'], {
    doc: 'OTLP base URL (HTTP: …/v1/traces, …/v1/metrics; grpc: port 4317 when it names none); unset = in-process span store',
  }),
  otlpProtocol: oneOf(
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'http/protobuf',
    ['http/protobuf', 'http/json', 'grpc'],
    {
      doc: 'OTLP transport and encoding',
    },
  ),
  propagators: listOf('OTEL_PROPAGATORS', 'tracecontext,baggage', PROPAGATORS, {
    doc: 'Context propagation formats on HTTP and message headers (b3 = single header, b3multi = X-B3-*)',
  }),
  otlpHeaders: keyValues('OTEL_EXPORTER_OTLP_HEADERS', {
    doc: 'Headers sent with OTLP exports',
    secret: true,
  }),
  zipkinEndpoint: optionalUrl('OTEL_EXPORTER_ZIPKIN_ENDPOINT', ['http:', 'https:'], {
    doc: 'Zipkin span endpoint (e.g. http://zipkin:9411/api/v2/spans); set = spans also go to Zipkin',
  }),
  tracesSampler: oneOf(
    'OTEL_TRACES_SAMPLER',
    'parentbased_always_on',
    [
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ],
    { doc: 'Trace sampler' },
  ),
  tracesSamplerArg: decimal('OTEL_TRACES_SAMPLER_ARG', 1, {
    min: 0,
    max: 1,
    doc: 'Ratio for the *traceidratio samplers',
  }),
  metricExportIntervalMs: integer('OTEL_METRIC_EXPORT_INTERVAL', 60000, {
    min: 100,
    max: 3600000,
    doc: 'OTLP metric export interval (ms), when OTLP is on',
  }),
  traceBackground: flag('BAKERY_TRACE_BACKGROUND', false, {
    doc: "Also trace background work: pollers' and relays' queries, probes, scrapes, the dashboard's own calls (debugging)",
  }),
  spanStoreSize: integer('BAKERY_SPAN_STORE_SIZE', 20000, {
    min: 0,
    max: 1000000,
    doc: 'Spans kept in memory for the built-in trace viewer (0 = off)',
  }),

  // --- telemetry store (the dashboard's process keeps spans, logs and metrics of every run)
  telemetryStore: text('BAKERY_TELEMETRY_STORE', '.bakery/telemetry.sqlite', {
    doc: 'Telemetry store of the process that runs the dashboard: a SQLite file path (relative to the working directory), or memory: (nothing kept across restarts)',
  }),
  telemetryRuns: integer('BAKERY_TELEMETRY_RUNS', 10, {
    min: 1,
    max: 1000,
    doc: 'Runs (process starts and imports) the telemetry store keeps; older runs are deleted',
  }),
  telemetryBudgetMb: integer('BAKERY_TELEMETRY_BUDGET_MB', 256, {
    min: 8,
    max: 1048576,
    doc: 'Size budget of the telemetry store in MiB (file plus write-ahead log); oldest data is pruned first',
  }),
  telemetryKeepTraces: integer('BAKERY_TELEMETRY_KEEP_TRACES', 100, {
    min: 0,
    max: 100000,
    doc: 'Newest traces the size pruning always keeps',
  }),
  telemetrySnapshotMs: integer('BAKERY_TELEMETRY_SNAPSHOT_MS', 10000, {
    min: 1000,
    max: 3600000,
    doc: "Interval of the metric snapshots (every service's instruments, with exemplars) written to the telemetry store",
  }),
  attributeValueLengthLimit: integer('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 4096, {
    min: 16,
    max: 1048576,
    doc: 'Longest attribute value (characters) kept on spans and in the telemetry store; longer values are truncated and counted',
  }),
  spanAttributeCountLimit: integer('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 128, {
    min: 1,
    max: 10000,
    doc: 'Attributes kept per span (and per log record in the store)',
  }),
  spanEventCountLimit: integer('OTEL_SPAN_EVENT_COUNT_LIMIT', 128, {
    min: 0,
    max: 10000,
    doc: 'Events kept per span',
  }),
  spanLinkCountLimit: integer('OTEL_SPAN_LINK_COUNT_LIMIT', 128, {
    min: 0,
    max: 10000,
    doc: 'Links kept per span',
  }),
  telemetrySpansPerTrace: integer('BAKERY_TELEMETRY_SPANS_PER_TRACE', 10000, {
    min: 1,
    max: 1000000,
    doc: 'Spans the telemetry store keeps per trace id; later ones are dropped and counted',
  }),

  // --- dashboard
  dashboardUpstreams: keyValues('BAKERY_DASHBOARD_UPSTREAMS', {
    doc: 'Service base URLs the dashboard calls, e.g. reception=http://bakery:8000 (default: 127.0.0.1 and each service port)',
  }),
  dashboardAllowedHosts: text('BAKERY_DASHBOARD_ALLOWED_HOSTS', 'localhost,127.0.0.1,[::1],*.localhost', {
    doc: 'Host names the dashboard answers (comma-separated, *.domain wildcards, * = any); other Host headers get 421',
  }),
  dashboardReadAccess: oneOf('BAKERY_DASHBOARD_READ_ACCESS', 'auto', ['auto', 'open', 'token'], {
    doc: 'Who may read the dashboard API: open = anyone allowed by Host, token = logged-in only, auto = open when HOST is loopback',
  }),
  traceUiUrl: optionalText('BAKERY_TRACE_UI_URL', {
    doc: 'External trace UI link, {traceId} replaced, e.g. http://localhost:16686/trace/{traceId}',
  }),

  // --- incidents
  incidentDir: text('BAKERY_INCIDENT_DIR', '.bakery/incidents', {
    doc: 'Where incident runs keep their ground truth (ground-truth.jsonl) and telemetry (runs/<id>/)',
  }),
  demoTraffic: flag('BAKERY_DEMO_TRAFFIC', false, {
    doc: 'Light demo traffic from the dashboard (orders, coffees, events, album reads, a few per second); bakery start with every service turns it on unless this is false',
  }),
  dashboardUrl: url('BAKERY_DASHBOARD_URL', 'http://127.0.0.1:3000', ['http:', 'https:'], {
    doc: 'Where bakery incident and bakery mcp find the dashboard (the incident runner and trace API)',
  }),
} as const

export type Schema = typeof schema
export type Config = Readonly<{ [K in keyof Schema]: ReturnType<Schema[K]['parse']> }>
