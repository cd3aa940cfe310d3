// Attribute values between the store (plain JSON values) and OTLP JSON AnyValue, both ways. The
// mapping is stable: what one export writes, an import reads back to the same stored value.
import type { AttributeValue } from '../span-store.ts'
import type { Attributes } from './rows.ts'

export interface OtlpAnyValue {
  stringValue?: string
  boolValue?: boolean
  intValue?: string | number
  doubleValue?: number
  arrayValue?: { values?: OtlpAnyValue[] }
  kvlistValue?: { values?: OtlpKeyValue[] }
  bytesValue?: string
}
export interface OtlpKeyValue {
  key: string
  value: OtlpAnyValue
}

type Plain = AttributeValue | null | undefined | (string | number | boolean | null | undefined)[]

export function toAnyValue(value: Plain): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value }
  }
  if (Array.isArray(value)) return { arrayValue: { values: value.map((v) => toAnyValue(v)) } }
  return {}
}

export function toKeyValues(attributes: Attributes): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = []
  for (const key in attributes) out.push({ key, value: toAnyValue(attributes[key]) })
  return out
}

export function fromAnyValue(
  value: OtlpAnyValue | undefined,
): string | number | boolean | null | (string | number | boolean | null)[] {
  if (!value || typeof value !== 'object') return null
  if (value.stringValue !== undefined) return String(value.stringValue)
  if (value.boolValue !== undefined) return Boolean(value.boolValue)
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return Number(value.doubleValue)
  if (value.arrayValue) {
    return (value.arrayValue.values ?? []).map((item) => {
      const v = fromAnyValue(item)
      return Array.isArray(v) ? JSON.stringify(v) : v
    })
  }
  if (value.kvlistValue) return JSON.stringify(fromKeyValues(value.kvlistValue.values))
  if (value.bytesValue !== undefined) return String(value.bytesValue)
  return null
}

export function fromKeyValues(list: unknown): Attributes {
  const out: Attributes = {}
  if (!Array.isArray(list)) return out
  for (const kv of list as OtlpKeyValue[]) {
    if (kv && typeof kv.key === 'string') out[kv.key] = fromAnyValue(kv.value) as AttributeValue
  }
  return out
}

export const usToNanos = (us: number): string => (BigInt(us) * 1000n).toString()

export function nanosToUs(value: unknown): number {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return Number(BigInt(value) / 1000n)
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value / 1000)
  return 0
}
