import type { PlatformConfig } from '../../config/index.ts'
import type { ItemCaps } from './caps.ts'

export function capsOf(config: PlatformConfig): ItemCaps {
  return {
    attributeValueLength: config.attributeValueLengthLimit,
    attributesPerSpan: config.spanAttributeCountLimit,
    eventsPerSpan: config.spanEventCountLimit,
    linksPerSpan: config.spanLinkCountLimit,
    spansPerTrace: config.telemetrySpansPerTrace,
  }
}
