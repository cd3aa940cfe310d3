export { outboxMigration } from './migration.ts'
export {
  createOutbox,
  type Outbox,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxOptions,
} from './outbox.ts'
export { outboxInsert, withMessageIds } from './sql.ts'
