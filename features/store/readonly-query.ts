import { VigieError } from '../../streams/errors.ts';
import type { ClickHouseExecutor } from './executor.ts';
import { checkReadonlyStatement } from './readonly-guard.ts';

export interface ReadonlyLimits {
  /** Most rows a result may have; more is an error, not a silent cut. Default 10,000. */
  maxRows: number;
  /** Most bytes (uncompressed, in memory) a result may have. Default 16 MiB. */
  maxBytes: number;
  /** Longest a query may run. Default 10 s. */
  maxSeconds: number;
  /**
   * Most memory the query may use. Also bounds what max_result_bytes misses: a constant column
   * (`repeat('x', 1e6)`) counts once per block there, but its formatted output is memory here.
   * Default 1 GiB.
   */
  maxMemoryBytes: number;
}

export const DEFAULT_READONLY_LIMITS: ReadonlyLimits = {
  maxRows: 10_000,
  maxBytes: 16 * 1024 * 1024,
  maxSeconds: 10,
  maxMemoryBytes: 1024 * 1024 * 1024,
};

/** Longest SQL text accepted. */
const MAX_SQL_LENGTH = 100_000;
/** Most query parameters, and the longest text of one. */
const MAX_PARAMS = 100;
const MAX_PARAM_LENGTH = 100_000;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Values of ClickHouse `{name:Type}` placeholders. They are bound by ClickHouse, which parses each
 * value as its placeholder's type: a value is data, never SQL. Strings are the general form
 * (`--param at='2026-03-09 00:00:00'`); numbers, booleans and arrays are accepted as JSON gives them.
 */
export type ReadonlyQueryParams = Record<
  string,
  string | number | boolean | ReadonlyArray<string | number | boolean>
>;

function checkParams(params: ReadonlyQueryParams): void {
  const entries = Object.entries(params);
  if (entries.length > MAX_PARAMS) {
    throw new VigieError('BAD_REQUEST', `${entries.length} parameters; at most ${MAX_PARAMS}`);
  }
  for (const [name, value] of entries) {
    if (!PARAM_NAME.test(name)) {
      throw new VigieError('BAD_REQUEST', `invalid parameter name "${name.slice(0, 64)}"`, {
        context: { reason: 'parameter names are letters, digits and _, not starting with a digit' },
      });
    }
    const length = typeof value === 'string' ? value.length : JSON.stringify(value).length;
    if (length > MAX_PARAM_LENGTH) {
      throw new VigieError(
        'BAD_REQUEST',
        `parameter ${name} is ${length} characters; at most ${MAX_PARAM_LENGTH}`,
      );
    }
  }
}

export interface ReadonlyQueryResult {
  rows: Record<string, unknown>[];
  /** The statement as run (normalised by ClickHouse, comments removed). */
  statement: string;
}

function refuse(reason: string): never {
  throw new VigieError('READONLY_VIOLATION', `query refused: ${reason}`, { context: { reason } });
}

/** Engine failures caused by the analyst's SQL are their request's fault (bad syntax, limits…). */
function asBadRequest(err: unknown): never {
  if (
    err instanceof VigieError &&
    (err.code === 'STORE_UNAVAILABLE' || err.code === 'READONLY_VIOLATION')
  ) {
    throw err;
  }
  if (err instanceof VigieError) {
    throw new VigieError('BAD_REQUEST', err.message, { context: err.context, cause: err });
  }
  throw err;
}

/**
 * Runs one analyst statement read-only, on chDB or a server alike. Three layers: ClickHouse
 * parses it (one statement only; `formatQuery` with the SQL bound as a parameter, so nothing is
 * executed), the AST guard allows reads only, and the statement runs with `readonly=1` and result
 * row / byte / time limits that throw when exceeded. `params` fill the statement's `{name:Type}`
 * placeholders, bound by ClickHouse at the EXPLAIN (so the guard sees their values as literals)
 * and at the run; an unset placeholder is a BAD_REQUEST.
 */
export async function runReadonlyQuery(
  executor: ClickHouseExecutor,
  sql: string,
  limits: Partial<ReadonlyLimits> = {},
  params?: ReadonlyQueryParams,
): Promise<ReadonlyQueryResult> {
  const { maxRows, maxBytes, maxSeconds, maxMemoryBytes } = {
    ...DEFAULT_READONLY_LIMITS,
    ...limits,
  };
  if (sql.trim() === '') throw new VigieError('BAD_REQUEST', 'query is empty');
  if (sql.length > MAX_SQL_LENGTH) {
    throw new VigieError(
      'BAD_REQUEST',
      `query is ${sql.length} characters; at most ${MAX_SQL_LENGTH}`,
    );
  }

  if (params) checkParams(params);
  // Only non-empty params are sent: a statement without placeholders runs exactly as before.
  const bound = params && Object.keys(params).length > 0 ? { params } : {};

  let statement: string;
  try {
    const rows = await executor.query<{ q: string }>('SELECT formatQuery({sql:String}) AS q', {
      params: { sql },
    });
    statement = rows[0]?.q ?? '';
  } catch (err) {
    if (err instanceof VigieError && /Multi-statements are not allowed/.test(err.message)) {
      refuse('one statement per query');
    }
    asBadRequest(err);
  }
  if (statement.trim() === '') throw new VigieError('BAD_REQUEST', 'query is empty');

  let ast: string[];
  try {
    // Safe to inline: `statement` is ClickHouse's own rendering of a single statement.
    const rows = await executor.query<{ explain: string }>(`EXPLAIN AST ${statement}`, bound);
    ast = rows.map((r) => r.explain);
  } catch (err) {
    asBadRequest(err);
  }
  const verdict = checkReadonlyStatement(statement, ast);
  if (!verdict.ok) refuse(verdict.reason);

  try {
    const rows = await executor.query(statement, {
      ...bound,
      settings: {
        max_result_rows: maxRows,
        max_result_bytes: maxBytes,
        result_overflow_mode: 'throw',
        max_execution_time: maxSeconds,
        max_memory_usage: maxMemoryBytes,
        // Last, so the limits above are set before settings become unchangeable.
        readonly: 1,
      },
    });
    return { rows, statement };
  } catch (err) {
    asBadRequest(err);
  }
}
