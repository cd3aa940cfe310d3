import { describe, expect, it } from 'vitest'
import { faultBody } from './faults.ts'

const empty = {
  target: 'payments',
  type: 'error',
  fields: '',
  ratePercent: '',
  matchKey: '',
  matchValue: '',
  startAfterS: '',
  durationS: '',
  down: false,
}

describe('fault form', () => {
  it('turns the form into a fault with fields, rate, match and schedule', () => {
    expect(
      faultBody({
        ...empty,
        target: 'reception.http',
        type: 'latency',
        fields: 'ms=200, jitterMs=50',
        ratePercent: '25',
        matchKey: 'pastry',
        matchValue: 'croissant',
        durationS: '30',
      }),
    ).toEqual({
      body: {
        target: 'reception.http',
        type: 'latency',
        ms: 200,
        jitterMs: 50,
        rate: 0.25,
        match: { pastry: 'croissant' },
        schedule: { durationMs: 30000 },
      },
    })
    expect(faultBody({ ...empty, down: true, fields: 'status=503' })).toEqual({
      body: { target: 'payments', type: 'reset' },
    })
  })

  it('names what a form can get wrong', () => {
    expect(
      faultBody({
        ...empty,
        target: 'bad target',
        type: '',
        fields: 'ms',
        ratePercent: '150',
        durationS: '-1',
      }),
    ).toEqual({
      problems: [
        'Target must be <service> or <service>.<seam>',
        'Choose a fault type',
        '"ms" is not field=number',
        'Rate must be 0–100 %',
        'Duration must be 0–86400 s',
      ],
    })
  })
})
