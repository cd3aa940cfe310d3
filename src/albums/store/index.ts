// The album store (seed 2, :9080): the catalog in PostgreSQL/PGlite behind the seed's REST API.

import { migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { createServiceHttp, type HttpApp, type HttpService } from '../../platform/http/index.ts'
import { registerOpenApi, useAlbumConventions, useLenientJson } from '../api/http.ts'
import type { AlbumsDeps } from '../config.ts'
import { ALBUM_SCHEMA, albumMigrations } from './migrations.ts'
import { registerProtection } from './protection.ts'
import { type AlbumRepository, createAlbumRepository } from './repository.ts'
import { registerStoreRoutes } from './routes.ts'
import { recordSeedSpanAttributes } from './seed-span-attributes.ts'

export interface AlbumStoreOptions {
  /** Postgres schema; tests use a random one so they can share a server. */
  schema?: string
}

export function createAlbumStore(deps: AlbumsDeps, options: AlbumStoreOptions = {}): HttpService {
  const schema = options.schema ?? ALBUM_SCHEMA
  let repository: AlbumRepository | undefined
  const repo = () => {
    if (!repository) {
      throw new BakeryError(ErrorCode.SERVICE_NOT_STARTED, 'album store used before start', {
        retryable: true,
      })
    }
    return repository
  }
  const http = createServiceHttp(deps, {
    name: 'album-store',
    readiness: [{ name: 'database', check: async () => (await deps.infra.database()).ping() }],
    async init() {
      const db = await deps.infra.database()
      await migrate(db, schema, albumMigrations)
      repository = createAlbumRepository(traceDatabase(db, deps.telemetry.tracer), schema)
    },
    routes(app) {
      app.register(async (root: HttpApp) => {
        await registerOpenApi(root, {
          title: 'Album store',
          description: 'The album catalog (seed mcarr-and/go-gin-marshalling), stored in PostgreSQL',
        })
        await root.register(async (scope: HttpApp) => {
          useAlbumConventions(scope)
          useLenientJson(scope)
          recordSeedSpanAttributes(scope)
          await registerProtection(scope, deps.config)
          registerStoreRoutes(scope, repo)
        })
      })
    },
  })
  return http
}
