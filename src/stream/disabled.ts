// DISABLE (the seed's switch, every stream service) and BAKERY_DISABLE (named services): a
// disabled service answers its probes and does nothing else, as each seed service did alone.
import type { StreamConfig } from './config.ts'

export type StreamService = 'producer' | 'event-api' | 'consumer-high' | 'consumer-low' | 'aggregator'

export function isDisabled(
  config: Pick<StreamConfig, 'disable' | 'disabledServices'>,
  service: StreamService,
): boolean {
  return config.disable || config.disabledServices.includes(service)
}
