// InfluxDB line protocol, the text every InfluxDB version accepts on its write endpoint.
import { BakeryError, ErrorCode } from '../errors.ts'
import type { Point } from './port.ts'

const escapeMeasurement = (s: string) => s.replace(/[\\, ]/g, (c) => `\\${c}`)
const escapeKey = (s: string) => s.replace(/[\\,= ]/g, (c) => `\\${c}`)
const escapeString = (s: string) => s.replace(/["\\]/g, (c) => `\\${c}`)

function fieldValue(value: number | bigint | string | boolean): string {
  if (typeof value === 'bigint') return `${value}i`
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new BakeryError(ErrorCode.INTERNAL, `field value ${value} is not finite`)
    return String(value)
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return `"${escapeString(value)}"`
}

export function toLine(point: Point): string {
  const tags = Object.entries(point.tags)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`)
    .join('')
  const fields = Object.entries(point.fields)
    .map(([k, v]) => `${escapeKey(k)}=${fieldValue(v)}`)
    .join(',')
  if (fields === '') throw new BakeryError(ErrorCode.INTERNAL, 'a point needs at least one field')
  return `${escapeMeasurement(point.measurement)}${tags} ${fields} ${point.timeNs}`
}
