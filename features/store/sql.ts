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

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;
const INTEGER_TYPES = new Set([
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
]);
const DATETIME64_UTC = "DateTime64(3, 'UTC')";
const DATETIME_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;
const INTEGER_TEXT = /^-?\d{1,20}$/;

/** The literal of one value of a scalar type, or undefined when it is not one this writes. */
function scalarLiteral(type: string, value: unknown): string | undefined {
  if (type === 'String') return typeof value === 'string' ? quoteString(value) : undefined;
  if (type === DATETIME64_UTC) {
    return typeof value === 'string' && DATETIME_TEXT.test(value) ? quoteString(value) : undefined;
  }
  if (!INTEGER_TYPES.has(type)) return undefined;
  const text =
    typeof value === 'number'
      ? Number.isSafeInteger(value)
        ? String(value)
        : undefined
      : typeof value === 'bigint' || (typeof value === 'string' && INTEGER_TEXT.test(value))
        ? String(value)
        : undefined;
  if (text === undefined || (type.startsWith('U') && text.startsWith('-'))) return undefined;
  return text;
}

/** `CAST(literal AS Type)` for a parameter value, as ClickHouse substitutes a bound one. */
function paramLiteral(type: string, value: unknown): string | undefined {
  const array = /^Array\((.+)\)$/.exec(type);
  let literal: string | undefined;
  if (array) {
    if (!Array.isArray(value)) return undefined;
    const items: string[] = [];
    for (const item of value) {
      const one = scalarLiteral(array[1]!, item);
      if (one === undefined) return undefined;
      items.push(one);
    }
    literal = `[${items.join(',')}]`;
  } else {
    literal = scalarLiteral(type, value);
  }
  return literal === undefined ? undefined : `CAST(${literal} AS ${type})`;
}

/**
 * The statement with its `{name:Type}` placeholders replaced by the values' literals, each cast
 * to its type (as ClickHouse does with a bound parameter), or undefined when a placeholder has no
 * value or a type or value this does not write: String, the integer types, DateTime64(3, 'UTC')
 * as `YYYY-MM-DD HH:MM:SS[.fff]` text, and arrays of these. Strings go through `quoteString`.
 * For statements the service writes itself: a placeholder inside a string literal or a comment
 * would be replaced too.
 */
export function inlineParams(sql: string, params: Record<string, unknown>): string | undefined {
  let complete = true;
  const inlined = sql.replace(PLACEHOLDER, (whole, name: string, type: string) => {
    const literal = Object.hasOwn(params, name)
      ? paramLiteral(type.trim(), params[name])
      : undefined;
    if (literal === undefined) {
      complete = false;
      return whole;
    }
    return literal;
  });
  return complete ? inlined : undefined;
}

const DAY_MS = 86_400_000;
/** 9999-12-31 23:59:59.999 UTC, the last time with a four-digit year. */
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const ZERO = 0x30;

/**
 * Epoch milliseconds → `YYYY-MM-DD HH:MM:SS.mmm` (UTC), the text every ClickHouse parses.
 * Computed with integer arithmetic into one flat string: ~4× cheaper than slicing
 * `toISOString()` (it runs for every time column of every inserted row), and the
 * concatenated alternative costs as much again when the payload encoder flattens it.
 */
export function formatDateTime64(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_FOUR_DIGIT_YEAR_MS) {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  const days = Math.floor(ms / DAY_MS);
  let t = ms - days * DAY_MS;
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(t / 3_600_000);
  t -= h * 3_600_000;
  const mi = Math.floor(t / 60_000);
  t -= mi * 60_000;
  const s = Math.floor(t / 1000);
  t -= s * 1000;
  return String.fromCharCode(
    ZERO + Math.floor(y / 1000),
    ZERO + (Math.floor(y / 100) % 10),
    ZERO + (Math.floor(y / 10) % 10),
    ZERO + (y % 10),
    0x2d, // -
    ZERO + Math.floor(m / 10),
    ZERO + (m % 10),
    0x2d,
    ZERO + Math.floor(d / 10),
    ZERO + (d % 10),
    0x20, // space
    ZERO + Math.floor(h / 10),
    ZERO + (h % 10),
    0x3a, // :
    ZERO + Math.floor(mi / 10),
    ZERO + (mi % 10),
    0x3a,
    ZERO + Math.floor(s / 10),
    ZERO + (s % 10),
    0x2e, // .
    ZERO + Math.floor(t / 100),
    ZERO + (Math.floor(t / 10) % 10),
    ZERO + (t % 10),
  );
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
