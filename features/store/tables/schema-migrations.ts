import { z } from 'zod';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

/** `schema_migrations`: which migration versions this database has applied. */
export const SCHEMA_MIGRATIONS_SPEC: TableSpec = {
  name: 'schema_migrations',
  comment: 'Applied schema migrations (features/store/migrations), one row per version.',
  engine: 'ReplacingMergeTree(applied_at)',
  orderBy: 'version',
  columns: [
    { name: 'version', type: 'UInt32', comment: 'Migration version number.' },
    { name: 'name', type: 'String', comment: 'Migration name.' },
    { name: 'applied_at', type: "DateTime64(3, 'UTC')", comment: 'When it was applied, UTC.' },
  ],
};

export const schemaMigrationsTable = defineTable(SCHEMA_MIGRATIONS_SPEC, {
  version: z.number().int().min(1),
  name: z.string().min(1),
  applied_at: EpochMsSchema,
});
