/** What a migration may depend on: configuration that shapes DDL (the text TTL). */
export interface MigrationContext {
  textTtlDays: number;
}

/**
 * One schema version. Statements must be idempotent (IF NOT EXISTS / IF EXISTS): a process that
 * dies half-way, or two processes starting together, simply run them again.
 */
export interface Migration {
  version: number;
  name: string;
  statements(context: MigrationContext): string[];
}
