import { VigieError } from '../../streams/errors.ts';

/**
 * Small SQL-text helpers shared by the executors, migrations and erasure. Values normally travel
 * as bound `{name:Type}` parameters; these exist for the places ClickHouse gives no binding
 * (identifiers, SETTINGS clauses, mutation predicates sent through `command`).
 */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` is a plain ClickHouse identifier (chDB's insert accepts only these). */
export function isPlainIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Checks a database, table or column name; plain identifiers only, so no quoting is needed. */
export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new VigieError(
      'INVALID_CONFIG',
      `${what} ${JSON.stringify(name)} is not a plain ClickHouse identifier (expected [A-Za-z_][A-Za-z0-9_]*)`,
      { context: { what } },
    );
  }
  return name;
}

/**
 * A ClickHouse string literal. Inside '…' ClickHouse treats backslash as an escape, so escaping
 * backslashes first and then quotes is complete.
 */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export type SettingValue = string | number;

/** ` SETTINGS a = 1, b = 'x'` (empty when there are none); keys must be identifiers. */
export function settingsClause(settings: Record<string, SettingValue> | undefined): string {
  if (!settings) return '';
  const entries = Object.entries(settings);
  if (entries.length === 0) return '';
  const parts = entries.map(([key, value]) => {
    assertIdentifier(key, 'setting name');
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        throw new VigieError('BAD_REQUEST', `setting ${key} must be a finite number`);
      }
      return `${key} = ${value}`;
    }
    return `${key} = ${quoteString(value)}`;
  });
  return ` SETTINGS ${parts.join(', ')}`;
}

/**
 * Appends a SETTINGS clause to one statement. The statement must not end with its own SETTINGS
 * or FORMAT clause, nor with a `--` comment (which would swallow the clause).
 */
export function withSettings(
  sql: string,
  settings: Record<string, SettingValue> | undefined,
): string {
  const clause = settingsClause(settings);
  if (clause === '') return sql;
  return sql.replace(/[\s;]+$/u, '') + clause;
}

/** Epoch milliseconds → `YYYY-MM-DD HH:MM:SS.mmm` (UTC), the text every ClickHouse parses. */
export function formatDateTime64(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** `YYYY-MM-DD HH:MM:SS[.fff]` (UTC, as ClickHouse prints DateTime64(3,'UTC')) → epoch ms. */
export function parseDateTime64(text: string): number {
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) {
    throw new VigieError(
      'STORE_QUERY_FAILED',
      `unexpected DateTime64 text ${JSON.stringify(text)}`,
    );
  }
  return ms;
}
