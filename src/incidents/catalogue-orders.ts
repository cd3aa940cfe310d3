// Incidents of the bakery order flow (reception → queue → baker) and the order journey (tracking).
import type { Incident } from './model.ts'

const BAKERY = ['reception', 'baker'] as const

export const bakerPoolOfOne: Incident = {
  name: 'baker-pool-of-one',
  title: 'The baker has one database connection',
  symptom: 'Order completion time climbs in steps as load rises; the reception answers fast.',
  hints: [
    'The reception accepts orders as quickly as ever: look behind the queue.',
    'Compare the baker spans of a slow order with a fast one: where is the time spent?',
    'The time is spent waiting before each database query, not inside it.',
  ],
  rootCause: {
    service: 'baker',
    component: 'baker.db',
    level: 'dependency',
    reason: 'connection pool exhausted',
  },
  fix: 'Give the baker a pool as large as its concurrency (DATABASE_POOL_SIZE), or bake fewer orders at once.',
  // The baker batches its claims and finishes, so a single connection only hurts when a statement
  // takes a real round trip: the database sits a network hop away (its latency starts with the cap).
  // Uncapped, an order's update waits at most two round trips (its batcher runs two batches at
  // once); capped, the claim and finish batchers queue behind each other on the one connection.
  faults: [
    { target: 'baker.db', type: 'pool-cap', params: { connections: 1 }, startS: 3 },
    { target: 'baker.db', type: 'latency', params: { ms: [100, 130] }, startS: 3 },
  ],
  decoys: [{ target: 'album-proxy.http', type: 'latency', params: { ms: [40, 80] }, startS: [1, 3] }],
  load: [
    { kind: 'orders', rate: [25, 35] },
    { kind: 'albums', rate: [2, 4] },
  ],
  signals: [{ service: 'baker', span: 'update-order', signal: 'slow-spans', threshold: 400, minCount: 5 }],
  services: [...BAKERY, 'album-store', 'album-proxy'],
  durationS: 20,
}

export const poisonMessage: Incident = {
  name: 'poison-message',
  title: 'Poison messages on the orders queue',
  symptom: 'The dead-letter count of the orders queue grows while most orders still finish.',
  hints: [
    'Most orders are fine: which ones never finish?',
    'The baker rejects some messages at once, without retrying them.',
    'Those messages are not orders the reception ever accepted: their bodies do not parse.',
  ],
  rootCause: { service: 'baker', component: 'baker.queue', level: 'dependency', reason: 'poison message' },
  fix: 'Find and stop the publisher of the malformed messages; the dead-letter queue keeps them for inspection.',
  faults: [],
  decoys: [{ target: 'payments.http', type: 'latency', params: { ms: [30, 60] }, startS: [1, 2] }],
  load: [
    { kind: 'orders', rate: [4, 8] },
    { kind: 'poison-orders', rate: [2, 4], startS: [2, 4], causal: true },
    { kind: 'coffee', rate: [1, 2] },
  ],
  signals: [{ service: 'baker', span: 'receive-order', signal: 'error-spans', threshold: 0, minCount: 3 }],
  services: [...BAKERY, 'coffee-reception', 'barista', 'payments'],
  durationS: 15,
}

export const onePastryFails: Incident = {
  name: 'one-pastry-fails',
  title: 'One pastry always fails',
  symptom: 'A few orders are refused with a 500; the error rate is low and steady.',
  hints: [
    'The failures are not random: group the failed requests by what was ordered.',
    'Every failed order is for the same pastry.',
    'The reception fails that pastry on every attempt, before anything is queued; the others go through.',
  ],
  rootCause: {
    service: 'reception',
    component: 'reception',
    level: 'service',
    reason: 'input-specific failure',
  },
  fix: 'Fix how the reception handles that pastry (or take it off the menu until then).',
  faults: [
    {
      target: 'reception.http',
      type: 'error',
      params: { status: 500 },
      rate: 1,
      match: { pastry: ['croissant', 'la bombe', 'escargot', 'profiterole'] },
      startS: [2, 4],
    },
  ],
  decoys: [{ target: 'barista.db', type: 'latency', params: { ms: [50, 120] }, startS: [1, 3] }],
  load: [
    { kind: 'orders', rate: [10, 15] },
    { kind: 'coffee', rate: [1, 2] },
  ],
  signals: [{ service: 'reception', span: 'POST /orders', signal: 'error-spans', threshold: 0, minCount: 3 }],
  services: [...BAKERY, 'coffee-reception', 'barista', 'payments'],
  durationS: 15,
}

export const redisLatency: Incident = {
  name: 'redis-latency',
  title: 'Redis is slow for the order journey',
  symptom: 'Order journey requests take seconds and some time out; orders themselves still bake.',
  hints: [
    'The bakery itself is healthy: the slow part is the journey lookup.',
    'The journey waits on the tracking store for every hop.',
    'Each call to the store takes hundreds of milliseconds.',
  ],
  rootCause: {
    service: 'reception',
    component: 'reception.cache',
    level: 'dependency',
    reason: 'cache latency',
  },
  fix: 'Find what slows Redis (a slow command, a saturated instance, the network) and fix it; keep journey waits bounded.',
  faults: [{ target: 'reception.cache', type: 'latency', params: { ms: [300, 500] }, startS: [2, 4] }],
  decoys: [{ target: 'payments.http', type: 'error', params: { status: 503 }, rate: 0.05, startS: [1, 3] }],
  load: [
    { kind: 'orders', rate: [6, 10] },
    { kind: 'coffee', rate: [1, 2] },
  ],
  signals: [{ service: 'reception', span: '', signal: 'slow-spans', threshold: 250, minCount: 3 }],
  services: [...BAKERY, 'enrichment', 'response-builder', 'coffee-reception', 'barista', 'payments'],
  durationS: 15,
}

export const memoryLeak: Incident = {
  name: 'memory-leak',
  title: 'A service leaks memory',
  symptom: 'The heap grows steadily with no matching rise in traffic.',
  hints: [
    'Latency and errors look normal: look at the runtime metrics.',
    'Heap used grows by a steady number of megabytes every second.',
    'The growth started when the reception process began to hold on to memory.',
  ],
  rootCause: { service: 'reception', component: 'reception', level: 'process', reason: 'memory leak' },
  fix: 'Find the cache or listener that holds on to objects (heap snapshot) and bound it; restart to recover now.',
  faults: [
    {
      target: 'reception.process',
      type: 'memory-leak',
      params: { mbPerS: [16, 24], capMb: 192 },
      startS: [2, 3],
    },
  ],
  decoys: [{ target: 'album-proxy.http', type: 'latency', params: { ms: [30, 60] }, startS: [1, 2] }],
  load: [
    { kind: 'orders', rate: [3, 5] },
    { kind: 'albums', rate: [1, 3] },
  ],
  // Well above what garbage alone moves the heap by between two samples. The cap is three times
  // the threshold so that the rise shows whether a major collection comes before the leak has
  // grown by the threshold (counted from the low after it) or after (counted from the baseline).
  signals: [{ service: 'reception', span: 'v8js_memory_heap_used', signal: 'metric-rise', threshold: 64e6 }],
  services: [...BAKERY, 'album-store', 'album-proxy'],
  durationS: 15,
}
