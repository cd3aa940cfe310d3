import { BakeryError, ErrorCode } from '../errors.ts'
import type { Logger } from '../log/index.ts'
import type { Queue } from './port.ts'

export type {
  Binding,
  ConsumeOptions,
  Consumer,
  Delivery,
  PublishOptions,
  PublishTarget,
  Queue,
  QueueSpec,
} from './port.ts'
export { deadLetterName, topicMatcher } from './topic.ts'

/** memory:// → the in-process queue; amqp:// or amqps:// → RabbitMQ. */
export async function openQueue(url: URL, options: { log: Logger }): Promise<Queue> {
  if (url.protocol === 'memory:') {
    const { createMemoryQueue } = await import('./memory.ts')
    return createMemoryQueue()
  }
  if (url.protocol === 'amqp:' || url.protocol === 'amqps:') {
    const { createAmqpQueue } = await import('./amqp.ts')
    return createAmqpQueue(url, { log: options.log })
  }
  throw new BakeryError(ErrorCode.ADAPTER_UNSUPPORTED, `no queue adapter for ${url.protocol}`)
}
export {
  backoffDelay,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  createConsumerRunner,
  defaultRetryPolicy,
  malformed,
  type Outcome,
  type RetryPolicy,
} from './runner.ts'
