// Calls payments through the resilience policy. `POST /payments` is keyed by order id on the
// payments side, so it is safe to retry: the policy treats it as idempotent.
import { context } from '@opentelemetry/api'
import { Agent, request } from 'undici'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { faultyRequest, type SeamSlot } from '../../platform/faults/index.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import { injectTraceContext } from '../../platform/telemetry/index.ts'

export type PaymentOutcome = 'authorised' | 'declined'

export interface PaymentsClient {
  authorise(orderId: string, amount: number): Promise<PaymentOutcome>
  close(): Promise<void>
}

/** A refusal (4xx) is an answer, not an outage: it neither retries nor trips the breaker. */
class Declined extends Error {}

export function createPaymentsClient(
  baseUrl: URL,
  policy: ResiliencePolicy,
  faults?: SeamSlot,
): PaymentsClient {
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 })
  const url = new URL('/payments', baseUrl).href
  // The outbound HTTP fault seam sits under the policy: injected failures retry and trip the breaker.
  type Options = NonNullable<Parameters<typeof request>[1]>
  const post = (options: Options) => request(url, options)
  const send = faults ? faultyRequest(faults, () => url, post) : post
  return {
    async authorise(orderId, amount) {
      try {
        return await policy.execute(
          async (signal) => {
            const headers = injectTraceContext(
              { 'content-type': 'application/json', 'idempotency-key': orderId },
              context.active(),
            ) as Record<string, string>
            const response = await send({
              method: 'POST',
              dispatcher: agent,
              headers,
              body: JSON.stringify({ orderId, amount }),
              signal,
            })
            const text = await response.body.text()
            if (response.statusCode === 200 || response.statusCode === 201) return 'authorised' as const
            if (response.statusCode >= 400 && response.statusCode < 500)
              throw new Declined(text.slice(0, 200))
            throw new BakeryError(ErrorCode.DEPENDENCY_FAILED, `payments answered ${response.statusCode}`, {
              retryable: true,
              status: 502,
            })
          },
          { idempotent: true },
        )
      } catch (error) {
        if (error instanceof Declined) return 'declined'
        throw error
      }
    },
    close: () => agent.close(),
  }
}

export const isPaymentsFailure = (error: Error) => !(error instanceof Declined)
