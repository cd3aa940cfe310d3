export { outboxMigration } from './migration.ts'
export {
  createOutbox,
  type Outbox,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxOptions,
  outboxInsert,
  withMessageIds,
} from './outbox.ts'
