// One contract, run on every adapter: the embedded stream and a real Kafka broker.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { requireServer } from '../../../test/support/servers.ts'
import { openStream, type Stream, type StreamRecord, type Subscription } from './index.ts'

const adapters = [
  { name: 'memory', brokers: async (): Promise<'memory://'> => 'memory://' },
  {
    name: 'kafka',
    brokers: async (t: TestContext) => (await requireServer(t, 'kafka'))?.split(','),
  },
]

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

const text = (records: readonly StreamRecord[]) => records.map((r) => r.value.toString())

for (const adapter of adapters) {
  describe(`stream adapter ${adapter.name}`, () => {
    async function open(t: TestContext): Promise<{ stream: Stream; topic: string } | undefined> {
      const brokers = await adapter.brokers(t)
      if (!brokers) return undefined
      const stream = await openStream(brokers, { clientId: 'contract' })
      const topic = `t-${randomUUID()}`
      await stream.createTopic(topic, 3)
      t.after(() => stream.close())
      return { stream, topic }
    }
    function collect(stream: Stream, t: TestContext, topic: string, group: string, extra = {}) {
      const seen: StreamRecord[] = []
      const subscription = stream.subscribe({
        topic,
        group,
        fromBeginning: true,
        maxWaitMs: 20,
        retryDelayMs: 50,
        handler: async (records) => {
          seen.push(...records)
        },
        ...extra,
      })
      t.after(async () => (await subscription).close())
      return { seen, subscription }
    }

    test('delivers every record once with headers, in order per partition, when one member reads', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { stream, topic } = opened
      const values = Array.from({ length: 60 }, (_, i) => `v${i}`)
      await stream.produce(
        values.map((v) => ({ topic, value: Buffer.from(v), headers: { traceparent: `tp-${v}` } })),
      )
      const { seen } = collect(stream, t, topic, `g-${randomUUID()}`)
      await until('60 records', () => seen.length >= 60)
      await sleep(200)
      assert.deepEqual(text(seen).sort(), [...values].sort())
      for (const r of seen) assert.equal(r.headers.traceparent, `tp-${r.value.toString()}`)
      for (const p of [0, 1, 2]) {
        const offsets = seen.filter((r) => r.partition === p).map((r) => r.offset)
        assert.deepEqual(
          offsets,
          [...offsets].sort((a, b) => (a < b ? -1 : 1)),
        )
      }
      assert.ok(new Set(seen.map((r) => r.partition)).size > 1, 'records without a key are spread')
    })

    test('acknowledges every produce call when many run concurrently', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { stream, topic } = opened
      const calls = Array.from({ length: 4 }, (_, round) =>
        Array.from({ length: 8 }, (_, i) =>
          stream.produce(
            Array.from({ length: 25 }, (_, j) => ({ topic, value: Buffer.from(`c${round}-${i}-${j}`) })),
          ),
        ),
      )
      for (const round of calls) await Promise.all(round)
      const { seen } = collect(stream, t, topic, `g-${randomUUID()}`)
      await until('800 records', () => seen.length >= 800)
      await sleep(200)
      assert.equal(new Set(text(seen)).size, 800)
      assert.equal(seen.length, 800)
    })

    test('resumes from the committed offset when a group member comes back', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { stream, topic } = opened
      const group = `g-${randomUUID()}`
      await stream.produce([1, 2, 3].map((i) => ({ topic, value: Buffer.from(`a${i}`), partition: 0 })))
      const first = collect(stream, t, topic, group)
      await until('first three', () => first.seen.length === 3)
      await (await first.subscription).close()
      await until('lag 0', async () => (await stream.lag(topic, group)).every((l) => l.lag === 0))
      await stream.produce([4, 5].map((i) => ({ topic, value: Buffer.from(`a${i}`), partition: 0 })))
      assert.equal((await stream.lag(topic, group)).find((l) => l.partition === 0)?.lag, 2)
      const second = collect(stream, t, topic, group)
      await until('two more', () => second.seen.length >= 2)
      await sleep(200)
      assert.deepEqual(text(second.seen), ['a4', 'a5'])
    })

    test('hands a failed batch again and commits nothing until it succeeds', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { stream, topic } = opened
      const group = `g-${randomUUID()}`
      await stream.produce([{ topic, value: Buffer.from('x'), partition: 1 }])
      let calls = 0
      const ok: string[] = []
      collect(stream, t, topic, group, {
        handler: async (records: readonly StreamRecord[]) => {
          calls++
          if (calls < 3) throw new Error('store down')
          ok.push(...text(records))
        },
      })
      await until('third attempt', () => ok.length === 1)
      assert.equal(calls, 3)
      await until('lag 0', async () => (await stream.lag(topic, group)).every((l) => l.lag === 0))
    })

    test('replays from a given offset when startOffsets is set', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { stream, topic } = opened
      await stream.produce(
        ['r0', 'r1', 'r2', 'r3'].map((v) => ({ topic, value: Buffer.from(v), partition: 2 })),
      )
      const { seen } = collect(stream, t, topic, `g-${randomUUID()}`, {
        startOffsets: [{ partition: 2, offset: 2n }],
      })
      await until('two records', () => seen.length >= 2)
      await sleep(200)
      assert.deepEqual(text(seen), ['r2', 'r3'])
      assert.deepEqual(
        seen.map((r) => r.offset),
        [2n, 3n],
      )
    })

    test('splits partitions between two members of one group', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { stream, topic } = opened
      const group = `g-${randomUUID()}`
      const a = collect(stream, t, topic, group)
      const b = collect(stream, t, topic, group)
      const subs: Subscription[] = [await a.subscription, await b.subscription]
      await until('both assigned', () => subs.every((s) => s.assignment().length > 0), 30_000)
      await stream.produce(Array.from({ length: 30 }, (_, i) => ({ topic, value: Buffer.from(`s${i}`) })))
      const distinct = () => new Set([...text(a.seen), ...text(b.seen)]).size
      await until('30 distinct records', () => distinct() >= 30)
      await sleep(300)
      // Delivery is at-least-once: a rebalance that lands before a member commits hands the
      // uncommitted records to the new owner, so a record may arrive twice, but never go missing
      // and never be invented.
      assert.equal(distinct(), 30)
      assert.ok(a.seen.length + b.seen.length >= 30)
      for (const value of [...text(a.seen), ...text(b.seen)]) assert.match(value, /^s([0-9]|[12][0-9])$/)
      const owned = subs.flatMap((s) => s.assignment())
      assert.deepEqual([...owned].sort(), [0, 1, 2])
    })
  })
}
