// The relational store port: PostgreSQL in production, PGlite (the same SQL) embedded.

export interface QueryResult<R> {
  rows: R[]
  rowCount: number
}

export interface QueryOptions {
  /** Prepared-statement name: the PostgreSQL adapter reuses the plan per connection. */
  name?: string
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
}

export interface Database extends Queryable {
  readonly engine: 'postgres' | 'pglite'
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  ping(): Promise<void>
  close(): Promise<void>
}
