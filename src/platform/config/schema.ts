// The platform's settings: the process, the shared infrastructure, access and telemetry. Each
// system declares its own settings in src/<system>/config.ts with the same field kit, and
// src/config.ts composes them all into the one config the CLI loads.
import { FAULT_TEXT_SYNTAX, faultTextProblems } from '../faults/index.ts'
import {
  brokerList,
  type ConfigOf,
  checked,
  decimal,
  flag,
  integer,
  keyValues,
  listOf,
  oneOf,
  optionalText,
  optionalUrl,
  port,
  text,
  url,
} from './fields.ts'

/** OTEL_PROPAGATORS values Bakery implements (the spec's names). */
export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'none'] as const

export const processSettings = {
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
} as const

export const workerPortSetting = {
  workerPort: port(
    'BAKERY_WORKER_PORT',
    9464,
    'Health and metrics of the workers: a worker started alone, or all workers of bakery start',
  ),
} as const

export const infrastructure = {
  databaseUrl: url('DATABASE_URL', 'memory://', ['memory:', 'pglite:', 'postgres:', 'postgresql:'], {
    doc: 'PostgreSQL; memory:// = one shared in-process PGlite, pglite:///dir = PGlite on disk. Seed POSTGRES_HOST/PORT/USER/PASSWORD/DB/USE_SSL also work',
    secret: true,
  }),
  pgliteSnapshotDir: text('BAKERY_PGLITE_SNAPSHOT_DIR', '.bakery/pglite', {
    doc: 'Where DATABASE_URL=memory:// keeps a snapshot of a fresh PGlite cluster, so later starts skip initdb (seconds, and ~0.5 GB of memory at its peak); empty = initdb at every start',
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
} as const

export const pacing = {
  bakeTimeScale: decimal('BAKE_TIME_SCALE', 1, {
    min: 0,
    max: 100,
    doc: 'Factor on the seed bake times (FNV-1a-32 of the pastry mod 100 ms); 0 = no bake delay',
  }),
} as const

export const outbox = {
  outboxPollMs: integer('BAKERY_OUTBOX_POLL_MS', 5000, {
    min: 100,
    max: 600000,
    doc: 'How often the outbox relay looks for messages a crashed process left unpublished',
  }),
} as const

export const access = {
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
} as const

export const influx = {
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
} as const

export const embeddedRetention = {
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
} as const

export const telemetry = {
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
  logsExporter: oneOf('OTEL_LOGS_EXPORTER', 'otlp', ['otlp', 'none'], {
    doc: 'Where log records go besides stdout: otlp = to OTEL_EXPORTER_OTLP_ENDPOINT (…/v1/logs) when it is set, none = stdout only',
  }),
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
  telemetrySpansPerSecond: integer('BAKERY_TELEMETRY_SPANS_PER_S', 1000, {
    min: 0,
    max: 10000000,
    doc: 'Ok spans a second the telemetry store writes in full; beyond, it writes error spans and the spans of a share of orders that keeps to this rate (counted, never hidden). 0 = every span',
  }),
} as const

/** Every platform setting; the composed config (src/config.ts) lists them among the systems' own. */
export const platformSchema = {
  ...processSettings,
  ...workerPortSetting,
  ...infrastructure,
  ...pacing,
  ...outbox,
  ...access,
  ...influx,
  ...embeddedRetention,
  ...telemetry,
} as const

export type PlatformSchema = typeof platformSchema
/** What platform code reads: the platform's own settings only. */
export type PlatformConfig = ConfigOf<PlatformSchema>
