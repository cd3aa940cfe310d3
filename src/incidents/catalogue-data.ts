// Incidents of the album catalogue (store + proxy) and the stream pipeline (Kafka `events`).
import type { Incident } from './model.ts'

export const slowAlbumListing: Incident = {
  name: 'slow-album-listing',
  title: 'Listing albums by artist is slow',
  symptom: 'Album pages filtered by artist take tens of milliseconds or more; other pages stay fast.',
  hints: [
    'Only listings with an artist filter are slow.',
    'The time is inside the database query of the album store, not in the proxy.',
    'The query plan scans the whole table: the index on (artist, id) is gone.',
  ],
  rootCause: {
    service: 'album-store',
    component: 'album-store.db',
    level: 'dependency',
    reason: 'slow query plan',
  },
  fix: 'Recreate the index: CREATE INDEX albums_artist_id ON albums (artist, id).',
  faults: [],
  decoys: [{ target: 'payments.http', type: 'latency', params: { ms: [30, 60] }, startS: [1, 2] }],
  load: [
    { kind: 'albums-by-artist', rate: [8, 12], startS: [2, 3], causal: true },
    { kind: 'albums', rate: [1, 2] },
  ],
  actions: ['drop-album-artist-index'],
  signals: [{ service: 'album-store', span: 'SELECT', signal: 'slow-spans', threshold: 15, minCount: 5 }],
  services: ['album-store', 'album-proxy', 'coffee-reception', 'payments'],
  durationS: 15,
}

export const consumerLowLag: Incident = {
  name: 'consumer-low-lag',
  title: 'The low consumer falls behind',
  symptom: 'The live chart of small events lags further and further behind; large events are on time.',
  hints: [
    'Events above the watermark are fine: look at the other consumer.',
    'consumer-low\u2019s lag on the events topic grows steadily.',
    'Each batch consumer-low handles takes far longer than before.',
  ],
  rootCause: {
    service: 'consumer-low',
    component: 'consumer-low.stream',
    level: 'service',
    reason: 'consumer lag',
  },
  fix: 'Find why consumer-low slowed (its InfluxDB writes, its batch size) or run more instances of it.',
  faults: [
    { target: 'consumer-low.stream', type: 'consumer-slow', params: { ms: [300, 600] }, startS: [2, 3] },
  ],
  decoys: [{ target: 'event-api.http', type: 'latency', params: { ms: [10, 30] }, startS: [1, 2] }],
  load: [{ kind: 'events', rate: [20, 30] }],
  signals: [
    { service: 'consumer-low', span: 'bakery_stream_consumer_lag', signal: 'metric-above', threshold: 50 },
  ],
  services: ['event-api', 'consumer-high', 'consumer-low', 'aggregator'],
  durationS: 15,
}

export const aggregatorCpuBurn: Incident = {
  name: 'aggregator-cpu-burn',
  title: 'Everything in the process is a little slow',
  symptom: 'Latency rises a little on every service at once; nothing fails.',
  hints: [
    'When everything slows at once, suspect what they share: the process.',
    'The event loop delay is high although request rates are unchanged.',
    'One part of the process burns CPU on the event loop in long blocks.',
  ],
  rootCause: {
    service: 'aggregator',
    component: 'aggregator',
    level: 'process',
    reason: 'event loop blocked',
  },
  fix: 'Move the heavy work off the event loop (a worker thread) or split it into small slices.',
  faults: [
    { target: 'aggregator.process', type: 'event-loop-block', params: { ms: [150, 250] }, startS: [2, 3] },
  ],
  decoys: [],
  load: [
    { kind: 'events', rate: [5, 10] },
    { kind: 'orders', rate: [3, 5] },
  ],
  signals: [
    { service: 'aggregator', span: 'nodejs_eventloop_delay_max', signal: 'metric-above', threshold: 0.12 },
  ],
  services: ['event-api', 'consumer-high', 'consumer-low', 'aggregator', 'reception', 'baker'],
  durationS: 15,
}
