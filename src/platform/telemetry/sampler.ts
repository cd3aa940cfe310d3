import { type Attributes, type Context, type Link, SpanKind, TraceFlags, trace } from '@opentelemetry/api'
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base'
import type { PlatformConfig } from '../config/index.ts'

export function createSampler(
  name: PlatformConfig['tracesSampler'],
  ratio: number,
  options: { traceBackground?: boolean } = {},
): Sampler {
  const inner = namedSampler(name, ratio)
  return options.traceBackground ? inner : createQuietSampler(inner)
}

function namedSampler(name: PlatformConfig['tracesSampler'], ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler()
    case 'always_off':
      return new AlwaysOffSampler()
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio)
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() })
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) })
  }
}

// A trace starts where work comes in: a request (server), a message (consumer), a message sent
// on the process's own initiative (producer), a unit of work a sweep found (internal). A CLIENT
// span with no parent has no such cause: it is a poller's query, an outbox relay's scan, a
// migration. Those would fill the trace viewer with one-span traces every second, so they are not
// recorded; the spans of the work a poll finds are started under that work's own span or context
// (an order's traceparent, a payment span) and are kept.
const DROP: SamplingResult = { decision: SamplingDecision.NOT_RECORD }

const unsampled = (link: Link) => (link.context.traceFlags & TraceFlags.SAMPLED) === 0

export function createQuietSampler(inner: Sampler): Sampler {
  return {
    shouldSample(
      context: Context,
      traceId: string,
      name: string,
      kind: SpanKind,
      attributes: Attributes,
      links: Link[],
    ) {
      const parent = trace.getSpanContext(context)
      if (!parent && kind === SpanKind.CLIENT) return DROP
      // A consumer's new trace follows its messages: when every producer it links to went
      // unrecorded (a background send), recording the consumer alone would be a loose end.
      if (!parent && kind === SpanKind.CONSUMER && links.length > 0 && links.every(unsampled)) return DROP
      return inner.shouldSample(context, traceId, name, kind, attributes, links)
    },
    toString: () => `QuietSampler{${inner.toString()}}`,
  }
}
