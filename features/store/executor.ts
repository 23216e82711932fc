import type { Logger } from 'pino';
import { assertIdentifier } from './sql.ts';

/**
 * The one door to ClickHouse. Two implementations run the same SQL: embedded chDB (default, data
 * under a directory) and a server through @clickhouse/client. Statements use unqualified table
 * names; each executor resolves them in its own `database`, so tests isolate by database name.
 */
export interface ClickHouseExecutor {
  readonly kind: 'chdb' | 'server';
  readonly database: string;
  /** DDL / statements with no result. */
  command(sql: string, options?: { settings?: Record<string, string | number> }): Promise<void>;
  /** SELECT returning rows as objects (JSONEachRow). `params` bind `{name:Type}` placeholders. */
  query<T = Record<string, unknown>>(sql: string, options?: QueryOptions): Promise<T[]>;
  /**
   * Batched insert of positional rows (JSONCompactEachRow; chDB sends RowBinary or CSV when it
   * knows the `types`).
   * Callers batch 1k–100k rows.
   */
  insert(
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
    options?: InsertOptions,
  ): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface QueryOptions {
  params?: Record<string, unknown>;
  settings?: Record<string, string | number>;
  /**
   * chDB only, for statements the service writes itself (no placeholder inside a string literal
   * or comment): send the parameters as literals in the statement (`inlineParams`) instead of
   * binding them. chdb 3.4 starts a bound query only once the event loop turns (the process-wide
   * chain it keeps for parameterized queries advances in a promise reaction), and runs one bound
   * query at a time across all connections; an unbound one starts at once and runs beside the
   * other connections'. So a lookup sent before a stretch of synchronous work runs during it.
   * A type or value `inlineParams` does not write falls back to binding. A server binds as usual.
   */
  inlineParams?: boolean;
}

export interface InsertOptions {
  /**
   * The columns' ClickHouse types, in `columns` order. With them chDB sends the rows as RowBinary
   * through a staging file (features/store/row-binary.ts), or, for a value that encoder leaves to
   * the text paths, tables that have numeric array columns as CSV, which its engine parses ~2×
   * faster than JSON (features/store/csv-rows.ts). The stored values are the same.
   */
  types?: readonly string[];
}

/**
 * The embedded engine's merges run below the service's threads by default: they are background
 * work that can wait, while the service's thread and the statements it waits on are on the path
 * from an event to its score. ClickHouse applies its `os_threads_nice_value_merge_mutate` to a
 * merge thread while it merges, only where the process has CAP_SYS_NICE (otherwise the setting
 * is a no-op and merges run at the process's priority). Merges take the CPU the others leave, so
 * they still keep up: docs/store.md, "The embedded engine's merges".
 */
export const DEFAULT_CHDB_MERGE_NICE = 10;

export interface CreateExecutorOptions {
  /** ClickHouse server URL (`http://user:pass@host:8123`); unset = embedded chDB. */
  url?: string;
  /** chDB data directory (one process per directory). Ignored in server mode. */
  dataDir: string;
  /** Database holding Vigie's tables; created (ENGINE = Atomic) if missing. */
  database: string;
  /** Failures are logged at debug level with their code only, never the SQL or engine text. */
  logger?: Logger;
  /**
   * chDB only: Linux nice value of the engine's merge threads (default
   * `DEFAULT_CHDB_MERGE_NICE`, below the service's threads; needs CAP_SYS_NICE). Ignored in
   * server mode, where the server's own `os_threads_nice_value_merge_mutate` applies.
   */
  mergeNice?: number;
  /**
   * chDB only: a connection of its own besides the process's shared one, so that its statements
   * run beside the others' rather than one at a time with them (ChdbExecutorOptions). A server
   * executor's requests always do.
   */
  ownConnection?: boolean;
  /** Server mode: HTTP request timeout. Default 30 s. */
  requestTimeoutMs?: number;
}

/** Picks chDB (default) or a server (`url`), and makes sure the database exists. */
export async function createExecutor(options: CreateExecutorOptions): Promise<ClickHouseExecutor> {
  assertIdentifier(options.database, 'database');
  if (options.url) {
    const { createServerExecutor } = await import('./server-executor.ts');
    return createServerExecutor({ ...options, url: options.url });
  }
  const { createChdbExecutor } = await import('./chdb-executor.ts');
  return createChdbExecutor(options);
}
