// One order's key is searchable in logs and metric exemplars: the reception's and the baker's
// per-order log lines carry order_key with the trace and span ids of their span, and the same
// trace ids sit in the exemplars of the HTTP duration and order completion histograms.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { createLogging } from '../../src/platform/log/index.ts'
import { eventually, getOrder, modes, postOrder, startBakery } from '../support/bakery.ts'
import { parseOpenMetrics } from '../support/openmetrics.ts'

function captureLogs() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      callback()
    },
  })
  return { lines, logging: createLogging({ level: 'info', format: 'json', destination }) }
}

/** The exemplar labels of a histogram family's buckets that name `orderKey`. */
function exemplarsOf(text: string, family: string, orderKey: string): Record<string, string>[] {
  const found = parseOpenMetrics(text).find((f) => f.name === family)
  return (found?.samples ?? []).flatMap((s) =>
    s.exemplar && s.exemplar.labels.order_key === orderKey ? [s.exemplar.labels] : [],
  )
}

for (const mode of modes) {
  describe(`bakery order logs and exemplars (${mode})`, () => {
    test('an order leaves a reception line and a baker line with its key and trace ids, matching the exemplars', async (t) => {
      const { lines, logging } = captureLogs()
      const bakery = await startBakery(t, mode, { logging })
      if (!bakery) return
      const accepted = await postOrder(bakery.url, { customer: 'marge', pastry: 'escargot' })
      assert.equal(accepted.status, 202)
      const key = String(accepted.body.orderKey)
      await eventually(async () => (await getOrder(bakery.url, key)).body.status === 'finished')

      const line = (service: string, msg: string) =>
        eventually(async () =>
          lines.find((l) => l.service === service && l.msg === msg && l.order_key === key),
        )
      const reception = await line('reception', 'order accepted')
      const baker = await line('baker', 'order finished')
      for (const entry of [reception, baker]) {
        assert.equal(entry.level, 'info')
        assert.match(String(entry.trace_id), /^[0-9a-f]{32}$/, `${entry.service} line has trace_id`)
        assert.match(String(entry.span_id), /^[0-9a-f]{16}$/, `${entry.service} line has span_id`)
      }
      assert.equal(reception.pastry, 'escargot')
      assert.notEqual(reception.trace_id, baker.trace_id, 'the baker works in its own (linked) trace')
      assert.equal(
        lines.filter((l) => l.order_key === key && typeof l.level === 'string' && l.level !== 'info').length,
        0,
        'no warnings for a good order',
      )

      const receptionMetrics = await bakery.telemetry.forService('reception').openMetricsText()
      const [request] = exemplarsOf(receptionMetrics, 'http_server_request_duration_seconds', key)
      assert.equal(request?.trace_id, reception.trace_id, 'the request exemplar is the logged trace')
      assert.equal(request?.span_id, reception.span_id, 'and the logged span (the server span)')

      const bakerMetrics = await bakery.telemetry.forService('baker').openMetricsText()
      const [completion] = exemplarsOf(bakerMetrics, 'bakery_order_time_to_completion_milliseconds', key)
      assert.equal(completion?.trace_id, baker.trace_id, 'the completion exemplar is the logged trace')
      assert.equal(completion?.span_id, baker.span_id, 'and the logged span (processing-order)')
      const [queued] = exemplarsOf(bakerMetrics, 'bakery_order_time_on_queue_milliseconds', key)
      assert.equal(queued?.trace_id, baker.trace_id)
    })
  })
}
