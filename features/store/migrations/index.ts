import { VigieError } from '../../../streams/errors.ts';
import type { ClickHouseExecutor } from '../executor.ts';
import { createTableSql } from '../tables/table.ts';
import { SCHEMA_MIGRATIONS_SPEC, schemaMigrationsTable } from '../tables/schema-migrations.ts';
import { initialSchema } from './001-initial-schema.ts';
import { listingFingerprints } from './002-listing-fingerprints.ts';
import type { Migration } from './migration.ts';
import { ensureTextTtl } from './text-ttl.ts';

export type { Migration, MigrationContext } from './migration.ts';

/** Every migration, in version order. Append; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, listingFingerprints];

export const DEFAULT_TEXT_TTL_DAYS = 180;

export interface MigrateOptions {
  /** Days raw listing text is kept (VIGIE_TEXT_TTL_DAYS). Default 180. */
  textTtlDays?: number;
  now?: () => number;
}

export interface MigrationReport {
  /** Versions applied by this call. */
  applied: number[];
  /** Versions found already applied. */
  alreadyApplied: number[];
  /** `table.column` whose text TTL was changed to match `textTtlDays`. */
  ttlChanged: string[];
}

/**
 * Brings the executor's database to the latest schema: applies missing versions in order, records
 * each in `schema_migrations`, then aligns the text TTL with the configuration. Safe to run at
 * every start and from several processes at once (statements are idempotent and
 * schema_migrations is a ReplacingMergeTree on version).
 */
export async function migrate(
  executor: ClickHouseExecutor,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const textTtlDays = options.textTtlDays ?? DEFAULT_TEXT_TTL_DAYS;
  if (!Number.isInteger(textTtlDays) || textTtlDays < 1) {
    throw new VigieError(
      'INVALID_CONFIG',
      `textTtlDays must be a positive integer, got ${textTtlDays}`,
    );
  }
  const now = options.now ?? Date.now;
  await executor.command(createTableSql(SCHEMA_MIGRATIONS_SPEC, textTtlDays));
  const rows = await executor.query<{ version: number }>(
    'SELECT version FROM schema_migrations FINAL ORDER BY version',
  );
  const done = new Set(rows.map((r) => Number(r.version)));
  const report: MigrationReport = { applied: [], alreadyApplied: [], ttlChanged: [] };
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) {
      report.alreadyApplied.push(migration.version);
      continue;
    }
    for (const statement of migration.statements({ textTtlDays })) {
      await executor.command(statement);
    }
    await schemaMigrationsTable.insert(executor, [
      { version: migration.version, name: migration.name, applied_at: now() },
    ]);
    report.applied.push(migration.version);
  }
  report.ttlChanged = await ensureTextTtl(executor, textTtlDays);
  return report;
}
