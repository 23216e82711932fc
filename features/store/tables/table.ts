import { z } from 'zod';
import { VigieError } from '../../../streams/errors.ts';
import type { ClickHouseExecutor } from '../executor.ts';
import { formatDateTime64, quoteString } from '../sql.ts';

/** One column of a table: its ClickHouse type and the comment analysts read in the schema. */
export interface ColumnSpec {
  name: string;
  type: string;
  comment: string;
  /**
   * Raw personal text: blanked (reset to '') by a column TTL this many days (VIGIE_TEXT_TTL_DAYS)
   * after the named DateTime64 column.
   */
  textTtlFrom?: string;
}

export interface TableSpec {
  name: string;
  comment: string;
  columns: readonly ColumnSpec[];
  engine: string;
  partitionBy?: string;
  orderBy: string;
  /** Data-skipping index clauses, e.g. `INDEX idx_x x TYPE bloom_filter GRANULARITY 4`. */
  indexes?: readonly string[];
  /**
   * Table settings besides the common ones, e.g. `index_granularity = 256`. Some (granularity)
   * are fixed at creation: they apply to stores created since, an existing table keeps its own.
   */
  settings?: readonly string[];
}

/**
 * Every table remembers the hashes of its last 1,000 insert blocks (the default only does so for
 * replicated tables). A batch retried after a lost acknowledgement is then dropped as a duplicate
 * on chDB and on a server alike, whatever the table's engine.
 */
const TABLE_SETTINGS = 'non_replicated_deduplication_window = 1000';

/** `CREATE TABLE IF NOT EXISTS …` for a spec; text TTLs use `textTtlDays`. */
export function createTableSql(spec: TableSpec, textTtlDays: number): string {
  const columns = spec.columns.map((c) => {
    const ttl = c.textTtlFrom ? ` TTL ${textTtlExpression(c.textTtlFrom, textTtlDays)}` : '';
    return `    ${c.name} ${c.type} COMMENT ${quoteString(c.comment)}${ttl}`;
  });
  const body = [...columns, ...(spec.indexes ?? []).map((i) => `    ${i}`)].join(',\n');
  return [
    `CREATE TABLE IF NOT EXISTS ${spec.name}`,
    `(\n${body}\n)`,
    `ENGINE = ${spec.engine}`,
    spec.partitionBy ? `PARTITION BY ${spec.partitionBy}` : '',
    `ORDER BY ${spec.orderBy}`,
    `SETTINGS ${[TABLE_SETTINGS, ...(spec.settings ?? [])].join(', ')}`,
    `COMMENT ${quoteString(spec.comment)}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** The TTL expression as ClickHouse normalises it, so it can be compared with DESCRIBE output. */
export function textTtlExpression(fromColumn: string, days: number): string {
  return `toDateTime(${fromColumn}) + toIntervalDay(${days})`;
}

/** Epoch milliseconds, as every row schema takes times. */
export const EpochMsSchema = z.number().int().min(0).max(253_402_300_799_999);

export interface TableDefinition<Row> {
  readonly name: string;
  readonly spec: TableSpec;
  readonly columns: readonly string[];
  /** The columns' ClickHouse types, in `columns` order (chDB picks its insert format by them). */
  readonly types: readonly string[];
  readonly schema: z.ZodType<Row>;
  /** Validates rows and turns them into positional values in `columns` order. */
  toValues(rows: readonly unknown[]): unknown[][];
  /**
   * Positional values of rows Vigie built itself from already-validated input (typed `Row`, so
   * the compiler checks their shape): converted, not validated again. On the ingestion path a
   * second zod pass over every row cost ~10 µs per event (docs/performance.md).
   */
  toValuesTrusted(rows: readonly Row[]): unknown[][];
  /** Validates and inserts directly (no buffering), `batchSize` rows per insert. */
  insert(
    executor: ClickHouseExecutor,
    rows: readonly Row[],
    options?: { batchSize?: number },
  ): Promise<void>;
}

type Converter = (value: unknown) => unknown;

function converterFor(type: string): Converter {
  // Times travel as epoch ms in rows and as 'YYYY-MM-DD HH:MM:SS.mmm' text on the wire: the one
  // DateTime64 form both chDB and a server parse with default settings.
  if (/^(Nullable\()?DateTime64/.test(type)) {
    return (v) => (v === null || v === undefined ? null : formatDateTime64(v as number));
  }
  return (v) => v;
}

/**
 * Binds a table spec to its zod row schema. The schema's keys must be exactly the spec's columns
 * (checked here, at load): the row type, the insert column list and the DDL cannot drift apart.
 */
export function defineTable<Shape extends z.ZodRawShape>(
  spec: TableSpec,
  shape: Shape,
): TableDefinition<z.infer<z.ZodObject<Shape>>> {
  type Row = z.infer<z.ZodObject<Shape>>;
  const columns = spec.columns.map((c) => c.name);
  const types = spec.columns.map((c) => c.type);
  const keys = Object.keys(shape);
  if (keys.length !== columns.length || keys.some((k, i) => k !== columns[i])) {
    throw new Error(
      `table ${spec.name}: row schema keys [${keys.join(', ')}] differ from columns [${columns.join(', ')}]`,
    );
  }
  const schema = z.strictObject(shape) as unknown as z.ZodType<Row>;
  const converters = spec.columns.map((c) => converterFor(c.type));

  function toValues(rows: readonly unknown[]): unknown[][] {
    return rows.map((row, index) => {
      const parsed = schema.safeParse(row);
      if (!parsed.success) {
        throw new VigieError(
          'SCHEMA_VIOLATION',
          `${spec.name} row ${index}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
          { context: { table: spec.name, index } },
        );
      }
      const record = parsed.data as Record<string, unknown>;
      return columns.map((c, i) => converters[i]!(record[c]));
    });
  }

  const width = columns.length;
  function toValuesTrusted(rows: readonly Row[]): unknown[][] {
    const out: unknown[][] = new Array<unknown[]>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const record = rows[r] as Record<string, unknown>;
      const values = new Array<unknown>(width);
      for (let i = 0; i < width; i++) values[i] = converters[i]!(record[columns[i]!]);
      out[r] = values;
    }
    return out;
  }

  return {
    name: spec.name,
    spec,
    columns,
    types,
    schema,
    toValues,
    toValuesTrusted,
    async insert(executor, rows, options) {
      const batchSize = options?.batchSize ?? 10_000;
      const values = toValues(rows);
      for (let start = 0; start < values.length; start += batchSize) {
        await executor.insert(spec.name, columns, values.slice(start, start + batchSize), {
          types,
        });
      }
    },
  };
}
