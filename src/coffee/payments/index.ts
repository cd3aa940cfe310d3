// Payments (ours; the seed had a wiremock stub): authorises an order's total. Authorisations are
// keyed by order id, so a caller may retry a POST safely: the same order is authorised once.
// Its faults (`PUT /admin/faults`, target `payments`) are the platform's, as on every service.

import { randomUUID } from 'node:crypto'
import { type Static, Type } from 'typebox'
import { type Database, migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { createServiceHttp, type HttpService, registerAdminRoutes } from '../../platform/http/index.ts'
import type { CoffeeDeps } from '../config.ts'
import { paymentsMigrations, PAYMENTS_SCHEMA as SCHEMA } from './migrations.ts'

const PaymentBody = Type.Object({
  orderId: Type.String({
    pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  }),
  // Stored as numeric(12, 2) with CHECK (amount > 0): less than a cent would round to 0.00.
  amount: Type.Number({ minimum: 0.01, maximum: 1_000_000 }),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
})

interface Authorisation {
  id: string
  order_id: string
  amount: string
  currency: string
  created_at: Date | string
}

export function createPayments(deps: CoffeeDeps): HttpService {
  const { infra, telemetry } = deps
  let db: Database | undefined
  const authorised = telemetry.meter.createCounter('bakery.payments.authorised', {
    description: 'Payments authorised (first time per order)',
  })

  return createServiceHttp(deps, {
    name: 'payments',
    readiness: [{ name: 'database', check: async () => (await infra.database()).ping() }],
    async init() {
      db = traceDatabase(await infra.database(), telemetry.tracer)
      await migrate(db, SCHEMA, paymentsMigrations)
    },
    routes(app) {
      registerAdminRoutes(app, {
        token: infra.adminToken,
        breakers: [],
        faults: infra.faults,
        defaultTarget: 'payments',
      })
      app.register(async (scoped) => {
        scoped.post('/payments', { schema: { body: PaymentBody } }, async (request, reply) => {
          const { orderId, amount, currency = 'EUR' } = request.body as Static<typeof PaymentBody>
          const store = db as Database
          const inserted = await store.query<Authorisation>(
            `INSERT INTO ${SCHEMA}.authorisations (id, order_id, amount, currency) VALUES ($1, $2, $3, $4)
              ON CONFLICT (order_id) DO NOTHING
              RETURNING id::text, order_id::text, amount::text, currency, created_at`,
            [randomUUID(), orderId, amount.toFixed(2), currency],
            { name: 'payments.authorise' },
          )
          let row = inserted.rows[0]
          if (row) authorised.add(1)
          else {
            const existing = await store.query<Authorisation>(
              `SELECT id::text, order_id::text, amount::text, currency, created_at FROM ${SCHEMA}.authorisations WHERE order_id = $1`,
              [orderId],
            )
            row = existing.rows[0]
          }
          if (!row) throw new BakeryError(ErrorCode.INTERNAL, 'authorisation vanished')
          return reply
            .code(inserted.rows[0] ? 201 : 200)
            .header('location', `/payments/${row.id}`)
            .send(toJson(row))
        })
      })
    },
  })
}

function toJson(row: Authorisation) {
  return {
    id: row.id,
    orderId: row.order_id,
    amount: Number(row.amount),
    currency: row.currency,
    status: 'authorised',
    createdAt: new Date(row.created_at).toISOString(),
  }
}
