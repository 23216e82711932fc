import { ClickHouseLogLevel, createClient, type ClickHouseSettings } from '@clickhouse/client';
import type { Logger } from 'pino';
import { VigieError } from '../../streams/errors.ts';
import type { ClickHouseExecutor, QueryOptions } from './executor.ts';
import { toStoreError } from './errors.ts';
import { assertIdentifier } from './sql.ts';

export interface ServerExecutorOptions {
  url: string;
  database: string;
  logger?: Logger;
  requestTimeoutMs?: number;
}

/**
 * Splits the URL into the connection and the database. A database in the URL path must agree
 * with `database`: two sources of truth that disagree would write to the wrong place silently.
 */
function connectionUrl(url: string, database: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VigieError('INVALID_CONFIG', 'CLICKHOUSE_URL is not a valid URL', {
      context: { variable: 'CLICKHOUSE_URL' },
    });
  }
  const pathDb = parsed.pathname.replace(/^\/+|\/+$/g, '');
  if (pathDb !== '' && pathDb !== database) {
    throw new VigieError(
      'INVALID_CONFIG',
      `CLICKHOUSE_URL names database "${pathDb}" but the configured database is "${database}"`,
      { context: { variable: 'CLICKHOUSE_URL' } },
    );
  }
  parsed.pathname = '';
  return parsed.toString();
}

/** Same JSON as the chDB executor: 64-bit integers as strings, whatever the server default. */
const OUTPUT_SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 1 };

/** A ClickHouse server over HTTP (@clickhouse/client). */
export async function createServerExecutor(
  options: ServerExecutorOptions,
): Promise<ClickHouseExecutor> {
  const database = assertIdentifier(options.database, 'database');
  const logger = options.logger?.child({ component: 'store.server' });
  const url = connectionUrl(options.url, database);
  // The client's own logger prints raw server text and request details; ours logs codes only.
  const base = {
    url,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    application: 'vigie',
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: OUTPUT_SETTINGS,
  };

  async function run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      await ensureDatabase();
      return await fn();
    } catch (err) {
      const mapped = toStoreError(err, operation, 'server');
      logger?.debug({ code: mapped.code, ...mapped.context }, 'store operation failed');
      throw mapped;
    }
  }

  // The database may not exist yet, and a client bound to a missing database fails every call.
  // It is created on first use, not here, so that a server that is briefly down at start-up
  // gives retriable errors (the pipeline pauses) rather than a failed start.
  let ready: Promise<void> | undefined;
  function ensureDatabase(): Promise<void> {
    ready ??= (async () => {
      const bootstrap = createClient(base);
      try {
        await bootstrap.command({
          query: `CREATE DATABASE IF NOT EXISTS ${database} ENGINE = Atomic`,
        });
      } finally {
        await bootstrap.close();
      }
    })().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    return ready;
  }

  const client = createClient({ ...base, database });
  return {
    kind: 'server',
    database,
    command: (sql, opts) =>
      run('command', async () => {
        await client.command({
          query: sql,
          clickhouse_settings: opts?.settings as ClickHouseSettings | undefined,
        });
      }),
    // `inlineParams` is chDB's: a server's client binds without either of its costs.
    query: <T>(sql: string, opts?: QueryOptions) =>
      run('query', async () => {
        const result = await client.query({
          query: sql,
          format: 'JSONEachRow',
          query_params: opts?.params,
          clickhouse_settings: opts?.settings as ClickHouseSettings | undefined,
        });
        return result.json<T>();
      }),
    insert: (table, columns, rows) =>
      run('insert', async () => {
        if (rows.length === 0) return;
        assertIdentifier(table, 'table');
        await client.insert({
          table,
          columns: [...columns] as [string, ...string[]],
          format: 'JSONCompactEachRow',
          values: rows as unknown[][],
        });
      }),
    ping: async () => {
      try {
        return (await client.ping()).success;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}
