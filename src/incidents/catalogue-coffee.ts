// Incidents of the coffee shop: reception → payments (behind a breaker) → baristas.
import type { Incident } from './model.ts'

const COFFEE = ['coffee-reception', 'barista', 'payments'] as const

export const retryStorm: Incident = {
  name: 'retry-storm',
  title: 'Retry storm on payments',
  symptom: 'Payments receive several times more requests than there are coffee orders.',
  hints: [
    'Count the payment calls in one coffee order trace.',
    'Each order calls payments again and again before it gives up or succeeds.',
    'Payments answers slowly, so the callers time out and retry: their retries multiply the load.',
  ],
  rootCause: { service: 'payments', component: 'payments', level: 'service', reason: 'retry amplification' },
  fix: 'Make payments fast again; give callers a retry budget with jittered backoff so retries cannot multiply load.',
  // Longer than the callers' timeout: every call times out and is tried again.
  faults: [{ target: 'payments.http', type: 'latency', params: { ms: [2500, 3500] }, startS: [2, 3] }],
  decoys: [{ target: 'album-proxy.http', type: 'latency', params: { ms: [40, 80] }, startS: [1, 2] }],
  load: [
    { kind: 'coffee', rate: [4, 6] },
    { kind: 'albums', rate: [1, 2] },
  ],
  // The payment step of an order spans every attempt: longer than one timeout means it retried.
  signals: [
    {
      service: 'coffee-reception',
      span: 'coffee.payment',
      signal: 'slow-spans',
      threshold: 3500,
      minCount: 3,
    },
  ],
  services: [...COFFEE, 'album-store', 'album-proxy'],
  durationS: 20,
}

export const baristaTooSlow: Incident = {
  name: 'barista-too-slow',
  title: 'The baristas cannot keep up',
  symptom: 'Coffee orders take longer and longer to be ready; the reception still accepts them at once.',
  hints: [
    'Orders are paid quickly: the delay comes after payment.',
    'The barista queue grows and each order waits longer on it.',
    'Every brew waits on its database writes, far longer than the brewing itself.',
  ],
  rootCause: {
    service: 'barista',
    component: 'barista.db',
    level: 'dependency',
    reason: 'consumer too slow',
  },
  fix: 'Find why the barista database got slow (locks, a saturated disk) or add baristas; shed new orders meanwhile.',
  faults: [{ target: 'barista.db', type: 'latency', params: { ms: [400, 600] }, startS: [2, 3] }],
  decoys: [{ target: 'payments.http', type: 'latency', params: { ms: [20, 50] }, startS: [1, 2] }],
  load: [{ kind: 'coffee', rate: [5, 8] }],
  // A brew itself takes seconds (the seed's brew times) and the crew is busy at this load anyway: the
  // sign of this fault is the barista's own writes to its brews table, each a round trip of ms.
  signals: [{ service: 'barista', span: 'barista.brews', signal: 'slow-spans', threshold: 300, minCount: 3 }],
  services: COFFEE,
  durationS: 15,
}

export const paymentsHalfErrors: Incident = {
  name: 'payments-half-errors',
  title: 'Payments fail half the time',
  symptom: 'Coffee orders fail to be paid and then all fail at once for a while.',
  hints: [
    'The failures start in one dependency of the coffee reception.',
    'Payments answers 5xx to about every second call.',
    'The breaker in front of payments opens, so for a while no order is even tried.',
  ],
  rootCause: { service: 'payments', component: 'payments', level: 'service', reason: 'dependency errors' },
  fix: 'Fix payments (its own dependency or release); the breaker protected the reception meanwhile.',
  faults: [{ target: 'payments.http', type: 'error', params: { status: 500 }, rate: 0.5, startS: [2, 3] }],
  decoys: [{ target: 'barista.db', type: 'latency', params: { ms: [30, 80] }, startS: [1, 2] }],
  load: [{ kind: 'coffee', rate: [5, 8] }],
  signals: [{ service: 'payments', span: '', signal: 'error-spans', threshold: 0, minCount: 5 }],
  services: COFFEE,
  durationS: 15,
}
