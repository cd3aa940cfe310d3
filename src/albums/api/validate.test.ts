import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Ajv2020 } from 'ajv/dist/2020.js'
import fc from 'fast-check'
import { fuzzRuns } from '../../../test/support/fuzz.ts'
import { BakeryError } from '../../platform/errors.ts'
import { Album, AlbumUpdate, LIMITS } from './schemas.ts'
import { encodeCursor, parseId, parseListQuery, validateAlbum, validateUpdate } from './validate.ts'

function problemsOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof BakeryError)
    assert.equal(error.status, 400)
    return { errors: error.details, message: error.message }
  }
  return 'valid'
}

test('album validation reports every field in seed order with the seed messages', () => {
  assert.deepEqual(
    problemsOf(() => validateAlbum({ id: 50000000, title: 'aa', artist: 'zz', price: 20000 })),
    {
      errors: [
        { field: 'id', message: 'above maximum value' },
        { field: 'price', message: 'above maximum value' },
      ],
      message: '',
    },
  )
  assert.deepEqual(
    problemsOf(() => validateAlbum({})),
    {
      errors: [
        { field: 'id', message: 'below minimum value' },
        { field: 'title', message: 'required field' },
        { field: 'artist', message: 'required field' },
        { field: 'price', message: 'required field' },
      ],
      message: '',
    },
  )
  assert.deepEqual(
    problemsOf(() => validateAlbum({ id: 0, title: 'a', artist: 'x'.repeat(1001), price: 0 })),
    {
      errors: [
        { field: 'id', message: 'below minimum value' },
        { field: 'title', message: 'below minimum value' },
        { field: 'artist', message: 'above maximum value' },
        { field: 'price', message: 'required field' },
      ],
      message: '',
    },
  )
})

test('album validation rejects wrong types with 400 instead of storing them', () => {
  assert.deepEqual(
    problemsOf(() => validateAlbum({ id: 'x', title: 2, artist: 'ab', price: '3' })),
    {
      errors: [
        { field: 'id', message: 'wrong type, expected integer' },
        { field: 'title', message: 'wrong type, expected string' },
        { field: 'price', message: 'wrong type, expected number' },
      ],
      message: '',
    },
  )
  assert.deepEqual(
    problemsOf(() => validateAlbum([1, 2])),
    {
      errors: null,
      message: 'Malformed JSON. Not valid for Album',
    },
  )
  assert.deepEqual(
    problemsOf(() => validateUpdate({ id: 9, title: 'ab', artist: 'cd', price: 1 }, 8)),
    {
      errors: [{ field: 'id', message: 'does not match the id in the path' }],
      message: '',
    },
  )
})

test('album id and list query parsing answer 400 with the field when malformed', () => {
  assert.equal(parseId('42'), 42)
  assert.deepEqual(
    problemsOf(() => parseId('x')),
    {
      errors: null,
      message: 'Album [x] not found, invalid request',
    },
  )
  const cursor = encodeCursor(17)
  assert.deepEqual(parseListQuery({ limit: '5', cursor, artist: 'Nina Simone', minPrice: '1.5' }), {
    limit: 5,
    after: 17,
    artist: 'Nina Simone',
    minPrice: 1.5,
    maxPrice: undefined,
  })
  assert.deepEqual(
    problemsOf(() => parseListQuery({ limit: '5000', cursor: 'nope', artist: ['a', 'b'] })),
    {
      errors: [
        { field: 'limit', message: 'above maximum value' },
        { field: 'cursor', message: 'invalid cursor' },
        { field: 'artist', message: 'wrong type, expected string' },
      ],
      message: '',
    },
  )
})

// The property that makes the schemas the one source of truth: for any JSON object, the seed-style
// validator accepts exactly what the documented JSON Schema accepts.
const ajv = new Ajv2020({ strict: false })
const createSchema = ajv.compile(JSON.parse(JSON.stringify(Album)))
const updateSchema = ajv.compile(JSON.parse(JSON.stringify(AlbumUpdate)))

const text = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.string({ minLength: LIMITS.text.max - 2, maxLength: LIMITS.text.max + 2 }),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
)
const number = fc.oneof(
  fc.integer({ min: -20000, max: 20000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -20000, max: 20000 }),
  fc.constantFrom(0, 1, LIMITS.id.max, LIMITS.id.max + 1, LIMITS.price.max, -0.01),
)
const anyValue = fc.oneof(
  text,
  number,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
)
const validAlbum = fc.record({
  id: fc.integer({ min: LIMITS.id.min, max: LIMITS.id.max }),
  title: fc.string({ minLength: LIMITS.text.min, maxLength: 40 }),
  artist: fc.string({ minLength: LIMITS.text.min, maxLength: 40 }),
  price: fc.double({ noNaN: true, min: Number.MIN_VALUE, max: LIMITS.price.max }),
})
const fieldName = fc.constantFrom('id', 'title', 'artist', 'price')
// Mostly near-valid albums (one field broken or removed), so both answers are well exercised.
const albumLike = fc.oneof(
  validAlbum,
  fc.tuple(validAlbum, fieldName, fc.oneof(anyValue, fc.constant(undefined))).map(([album, key, value]) => ({
    ...album,
    [key]: value,
  })),
  fc.record(
    { id: anyValue, title: anyValue, artist: anyValue, price: anyValue, extra: anyValue },
    { requiredKeys: [] },
  ),
)

test('album validation accepts exactly what the documented schema accepts', () => {
  fc.assert(
    fc.property(albumLike, (input) => {
      const body = JSON.parse(JSON.stringify(input)) as Record<string, unknown>
      assert.equal(
        problemsOf(() => validateAlbum(body)) === 'valid',
        createSchema(body),
        JSON.stringify(body),
      )
      const pathId = typeof body.id === 'number' && Number.isInteger(body.id) ? body.id : 5
      assert.equal(
        problemsOf(() => validateUpdate(body, pathId)) === 'valid',
        updateSchema(body),
        JSON.stringify(body),
      )
    }),
    { numRuns: fuzzRuns(2000) },
  )
})
