// A minimal protobuf wire-format reader: just enough to walk OTLP trace requests. The OTel JS
// packages only encode requests (and decode responses), and a full protobuf runtime plus
// generated code would be a large dependency for five message types.
import { BakeryError, ErrorCode } from '../platform/errors.ts'

export interface Field {
  number: number
  wireType: number
  /** varint (as bigint), fixed64 (bigint), fixed32 (number) or a length-delimited slice. */
  value: bigint | number | Uint8Array
}

function malformed(what: string): BakeryError {
  return new BakeryError(ErrorCode.HTTP_VALIDATION, `malformed protobuf: ${what}`, { status: 400 })
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n
  let shift = 0n
  for (let i = pos; i < buf.length && shift < 70n; i++) {
    const byte = buf[i] as number
    result |= BigInt(byte & 0x7f) << shift
    if ((byte & 0x80) === 0) return [result, i + 1]
    shift += 7n
  }
  throw malformed('truncated varint')
}

/** Yields the top-level fields of one message, in order. */
export function* fields(buf: Uint8Array): Generator<Field> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let pos = 0
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos)
    const number = Number(tag >> 3n)
    const wireType = Number(tag & 7n)
    pos = afterTag
    if (wireType === 0) {
      const [value, next] = readVarint(buf, pos)
      pos = next
      yield { number, wireType, value }
    } else if (wireType === 1) {
      if (pos + 8 > buf.length) throw malformed('truncated fixed64')
      yield { number, wireType, value: view.getBigUint64(pos, true) }
      pos += 8
    } else if (wireType === 2) {
      const [length, next] = readVarint(buf, pos)
      const end = next + Number(length)
      if (end > buf.length) throw malformed('truncated length-delimited field')
      yield { number, wireType, value: buf.subarray(next, end) }
      pos = end
    } else if (wireType === 5) {
      if (pos + 4 > buf.length) throw malformed('truncated fixed32')
      yield { number, wireType, value: view.getUint32(pos, true) }
      pos += 4
    } else {
      throw malformed(`unsupported wire type ${wireType}`)
    }
  }
}

const utf8 = new TextDecoder()

export function asBytes(field: Field): Uint8Array {
  if (!(field.value instanceof Uint8Array)) throw malformed(`field ${field.number} is not length-delimited`)
  return field.value
}

export function asString(field: Field): string {
  return utf8.decode(asBytes(field))
}

export function asHex(field: Field): string {
  return Buffer.from(asBytes(field)).toString('hex')
}

export function asBigInt(field: Field): bigint {
  if (typeof field.value === 'bigint') return field.value
  if (typeof field.value === 'number') return BigInt(field.value)
  throw malformed(`field ${field.number} is not numeric`)
}

/** int64 carried as a varint (two's complement). */
export function asInt64(field: Field): number {
  return Number(BigInt.asIntN(64, asBigInt(field)))
}

export function asDouble(field: Field): number {
  if (field.wireType !== 1) throw malformed(`field ${field.number} is not a double`)
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, asBigInt(field), true)
  return view.getFloat64(0, true)
}
