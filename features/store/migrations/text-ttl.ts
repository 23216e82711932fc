import type { ClickHouseExecutor } from '../executor.ts';
import { EVENTS_SPEC } from '../tables/events.ts';
import { LISTING_TEXTS_SPEC } from '../tables/listing-texts.ts';
import { textTtlExpression, type TableSpec } from '../tables/table.ts';

const TEXT_TABLES: readonly TableSpec[] = [EVENTS_SPEC, LISTING_TEXTS_SPEC];

/**
 * The text TTL is configuration (VIGIE_TEXT_TTL_DAYS), not schema history: a changed value is
 * applied at start by ALTER … MODIFY COLUMN … TTL, and an unchanged one costs a DESCRIBE.
 * Returns the `table.column` names whose TTL changed.
 */
export async function ensureTextTtl(executor: ClickHouseExecutor, days: number): Promise<string[]> {
  const changed: string[] = [];
  for (const spec of TEXT_TABLES) {
    const described = await executor.query<{ name: string; ttl_expression: string }>(
      `DESCRIBE TABLE ${spec.name}`,
    );
    const current = new Map(described.map((c) => [c.name, c.ttl_expression]));
    for (const column of spec.columns) {
      if (!column.textTtlFrom) continue;
      const expected = textTtlExpression(column.textTtlFrom, days);
      if (current.get(column.name) === expected) continue;
      await executor.command(
        `ALTER TABLE ${spec.name} MODIFY COLUMN ${column.name} TTL ${expected}`,
      );
      changed.push(`${spec.name}.${column.name}`);
    }
  }
  return changed;
}
