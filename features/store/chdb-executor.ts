import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Session } from 'chdb';
import type { Logger } from 'pino';
import { VigieError } from '../../streams/errors.ts';
import { CSV_INSERT_SETTINGS, csvKinds, CsvUnsupportedValue, encodeCsvRows } from './csv-rows.ts';
import type { CsvColumnKind } from './csv-rows.ts';
import { DEFAULT_CHDB_MERGE_NICE, type ClickHouseExecutor, type QueryOptions } from './executor.ts';
import { toStoreError } from './errors.ts';
import { encodeRowBinary, rowBinaryColumns, RowBinaryUnsupported } from './row-binary.ts';
import type { RowBinaryColumn } from './row-binary.ts';
import { assertIdentifier, inlineParams, quoteString, withSettings } from './sql.ts';

export interface ChdbExecutorOptions {
  dataDir: string;
  database: string;
  logger?: Logger;
  /**
   * Linux nice value (−20…19) of the engine's merge threads; default `DEFAULT_CHDB_MERGE_NICE`.
   * A server setting: the first executor on a directory fixes it for the process.
   */
  mergeNice?: number;
  /**
   * A connection (chDB `Session`) of its own on the directory, besides the process's shared one.
   * chDB runs one statement at a time per connection: this executor's statements then run beside
   * the shared connection's instead of queueing behind them, and theirs behind its. What either
   * writes is visible to the other once the write has returned. For the API's reads (analysts'
   * queries of up to VIGIE_QUERY_MAX_SECONDS), so that they do not hold up ingestion.
   */
  ownConnection?: boolean;
}

interface OpenSession {
  session: Session;
  refs: number;
  /** The arguments it was opened with, for the connections of its own an executor opens. */
  args: string[];
  /** Where RowBinary payloads wait for the engine to read them (see `stagingDirectory`). */
  staging: string;
  /** Staging files written so far: every executor on the directory names its files from it. */
  staged: number;
}

/** The data directory's folder of staged insert payloads: one sub-folder per process. */
const STAGING_FOLDER = 'vigie-insert-staging';

/**
 * This process's folder for RowBinary insert payloads, inside the data directory: chDB's raw
 * insert takes text formats only, so a binary payload is written to a file that an
 * `INSERT … SELECT … FROM file()` reads, then removed. The file holds what the insert stores
 * (listing text included), so it lives where that data lives, and no longer than the insert.
 * Folders a dead process left (a crash between a write and its removal) are removed here.
 */
function stagingDirectory(path: string): string {
  const root = join(path, STAGING_FOLDER);
  mkdirSync(root, { recursive: true });
  for (const name of readdirSync(root)) {
    const pid = Number(name);
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && processAlive(pid))) continue;
    rmSync(join(root, name), { recursive: true, force: true });
  }
  const own = join(root, String(process.pid));
  rmSync(own, { recursive: true, force: true });
  mkdirSync(own);
  return own;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * chDB's engine is a process-wide singleton: one data directory per process, and a second
 * directory while one is open is refused. This registry mirrors that native fact (it is the one
 * module-level state in the store): executors on the same directory share one Session, counted,
 * and the Session closes with the last of them.
 */
const sessions = new Map<string, OpenSession>();

/**
 * Output settings both backends pin, so the same SQL gives the same JSON: 64-bit integers as
 * strings (count(), UInt64 hashes) keep their precision in JavaScript. chDB's default differs
 * from a server's; set at connect because the Session is shared.
 */
const OUTPUT_ARGS = ['--output_format_json_quote_64bit_integers=1'];

const MiB = 1024 * 1024;

/**
 * Longest statement text the engine parses (default 256 KiB). Lookups with inlined parameters
 * (`QueryOptions.inlineParams`) carry a chunk's ids in their text: 5,000 events of 128-character
 * ids are ~700 KB.
 */
const QUERY_SIZE_ARGS = [`--max_query_size=${16 * MiB}`];

/**
 * Server settings for an embedded engine that shares its process with the service: the caches
 * default to a dedicated server's sizes (5 GiB each for marks, index marks and primary indexes),
 * so as the store grows they would keep everything ever read. Bounded here; they only cache, so
 * results do not change. The engine takes them as `clickhouse local` arguments at connect
 * (`system.server_settings` shows them with `changed = 1`).
 */
const CHDB_SERVER_SETTINGS: Readonly<Record<string, number>> = {
  mark_cache_size: 64 * MiB,
  index_mark_cache_size: 32 * MiB,
  primary_index_cache_size: 32 * MiB,
  vector_similarity_index_cache_size: 0,
  query_condition_cache_size: 16 * MiB,
  compiled_expression_cache_size: 16 * MiB,
};

const CONNECTION_ARGS = [
  ...OUTPUT_ARGS,
  ...QUERY_SIZE_ARGS,
  ...Object.entries(CHDB_SERVER_SETTINGS).map(([name, value]) => `--${name}=${value}`),
];

function assertNice(value: number): number {
  if (!Number.isInteger(value) || value < -20 || value > 19) {
    throw new VigieError(
      'INVALID_CONFIG',
      `merge nice value ${value}: expected an integer from -20 to 19`,
    );
  }
  return value;
}

function acquireSession(dataDir: string, mergeNice: number): OpenSession {
  const path = resolve(dataDir);
  const open = sessions.get(path);
  if (open) {
    open.refs += 1;
    return open;
  }
  const other = [...sessions.keys()][0];
  if (other !== undefined) {
    throw new VigieError(
      'STORE_UNAVAILABLE',
      `chDB opens one data directory per process; ${other} is open, so ${path} cannot be`,
      { context: { operation: 'open', backend: 'chdb' } },
    );
  }
  try {
    const args = [...CONNECTION_ARGS, `--os_threads_nice_value_merge_mutate=${mergeNice}`];
    const session = new Session(path, { connectionArgs: args });
    let staging: string;
    try {
      staging = stagingDirectory(path);
    } catch (err) {
      session.close();
      throw err;
    }
    const opened = { session, refs: 1, args, staging, staged: 0 };
    sessions.set(path, opened);
    return opened;
  } catch (err) {
    const mapped = toStoreError(err, 'open', 'chdb');
    throw new VigieError(
      'STORE_UNAVAILABLE',
      `cannot open the chDB data directory ${path} (is another process using it?): ${mapped.message}`,
      { retriable: false, context: mapped.context, cause: err },
    );
  }
}

function releaseSession(dataDir: string): void {
  const path = resolve(dataDir);
  const open = sessions.get(path);
  if (!open) return;
  open.refs -= 1;
  if (open.refs <= 0) {
    sessions.delete(path);
    open.session.close();
    rmSync(open.staging, { recursive: true, force: true });
  }
}

/**
 * The JSONCompactEachRow payload of the raw passthrough insert: one Buffer, parsed by the
 * engine's own parser. The rows are serialised by one JSON.stringify of the whole array, whose
 * brackets are cut off: JSONCompactEachRow takes rows separated by commas (~40 % cheaper than a
 * stringify per row and a join: ~1 µs per event row).
 */
export function encodeInsertRows(rows: readonly unknown[][]): Buffer {
  const json = Buffer.from(JSON.stringify(rows), 'utf8');
  return json.subarray(1, json.length - 1);
}

/**
 * Settings of every insert. The payloads are batches of a few thousand rows (a few MB), one
 * chunk for the parser, whose parallel mode then only adds threads: without it the engine's CPU
 * per `listing_texts` row is ~6 % lower, per `events` row the same (alternating batches).
 */
const INSERT_SETTINGS: Readonly<Record<string, string | number>> = {
  input_format_parallel_parsing: 0,
};

const CSV_SETTINGS = { ...INSERT_SETTINGS, ...CSV_INSERT_SETTINGS };

/**
 * `plan` memoised per column-type list (the tables' lists are long-lived constants); undefined
 * (a type the format does not write) is remembered too.
 */
function memoisedByTypes<T>(
  plan: (types: readonly string[]) => T | undefined,
): (types: readonly string[]) => T | undefined {
  const cache = new WeakMap<readonly string[], T | null>();
  return (types) => {
    let planned = cache.get(types);
    if (planned === undefined) {
      planned = plan(types) ?? null;
      cache.set(types, planned);
    }
    return planned ?? undefined;
  };
}

const csvKindsOf = memoisedByTypes<CsvColumnKind[]>(csvKinds);
const rowBinaryColumnsOf = memoisedByTypes<RowBinaryColumn[]>(rowBinaryColumns);

export interface InsertPayload {
  format: 'RowBinary' | 'CSV' | 'JSONCompactEachRow';
  values: Buffer;
}

/**
 * The insert payload: RowBinary when the column types are known and every value is one its
 * encoder writes (features/store/row-binary.ts); else CSV for tables with numeric array columns
 * (their arrays parse ~2.5× faster from CSV than from JSON); else JSONCompactEachRow.
 */
export function encodeInsert(
  rows: readonly unknown[][],
  types?: readonly string[],
  options: { rowBinary?: boolean } = {},
): InsertPayload {
  if (types !== undefined && types.length === rows[0]?.length) {
    const columns = options.rowBinary === false ? undefined : rowBinaryColumnsOf(types);
    if (columns !== undefined) {
      try {
        return { format: 'RowBinary', values: encodeRowBinary(rows, columns) };
      } catch (err) {
        if (!(err instanceof RowBinaryUnsupported)) throw err;
      }
    }
    const kinds = csvKindsOf(types);
    if (kinds !== undefined) {
      try {
        return { format: 'CSV', values: encodeCsvRows(rows, kinds) };
      } catch (err) {
        if (!(err instanceof CsvUnsupportedValue)) throw err;
      }
    }
  }
  return { format: 'JSONCompactEachRow', values: encodeInsertRows(rows) };
}

/** JSONEachRow text → objects; rows hold no raw newline (JSON escapes them). */
function parseJsonEachRow<T>(text: string): T[] {
  const body = text.trim();
  if (body === '') return [];
  return JSON.parse(`[${body.split('\n').join(',')}]`) as T[];
}

/**
 * Embedded ClickHouse. Only the asynchronous chDB paths are used (they run off the event loop).
 * The Session is shared by every database of the process, so each statement is sent as
 * `USE db; statement`: chDB runs the pair as one call on its connection, which keeps unqualified
 * table names resolving to this executor's database even with other executors in flight.
 */
export async function createChdbExecutor(
  options: ChdbExecutorOptions,
): Promise<ClickHouseExecutor> {
  const database = assertIdentifier(options.database, 'database');
  const logger = options.logger?.child({ component: 'store.chdb' });
  const shared = acquireSession(
    options.dataDir,
    assertNice(options.mergeNice ?? DEFAULT_CHDB_MERGE_NICE),
  );
  let session = shared.session;
  if (options.ownConnection) {
    try {
      session = new Session(resolve(options.dataDir), { connectionArgs: shared.args });
    } catch (err) {
      releaseSession(options.dataDir);
      throw toStoreError(err, 'open', 'chdb');
    }
  }
  /** Closes this executor's own connection, if any, then releases the shared one. */
  const release = () => {
    if (session !== shared.session) session.close();
    releaseSession(options.dataDir);
  };
  let closed = false;
  const use = `USE ${database}; `;
  // file() reads a path with `*`, `?`, `{…}` or `[…]` as a glob: such a directory gets text inserts.
  const stagingUsable = !/[*?{}[\]]/.test(shared.staging);

  /**
   * A RowBinary payload through a staging file (stagingDirectory): written, read by the engine
   * into the table, removed whatever the outcome. The file is written synchronously (a few MB
   * into the page cache: ~1 ms) so that the statement is sent in the caller's turn of the event
   * loop, as a raw insert is: the pipeline sends a chunk's writes and then applies the next chunk
   * synchronously, and an insert sent from the write's callback would wait for that work to end
   * (measured: the drain's chunk-write wait 452 → 548 ms a batch with an asynchronous write).
   * It is removed synchronously too: an asynchronous removal needs a libuv pool thread, and
   * while that pool's threads all wait on chDB statements the insert would not return.
   * The statement is unbound text, so it starts at once (QueryOptions.inlineParams).
   */
  async function insertStaged(
    table: string,
    columns: readonly string[],
    types: readonly string[],
    payload: Buffer,
  ): Promise<void> {
    shared.staged += 1;
    const file = join(shared.staging, `${shared.staged}.bin`);
    const names = columns.map((c) => assertIdentifier(c, 'column'));
    const structure = names.map((c, i) => `${c} ${types[i]}`).join(', ');
    try {
      writeFileSync(file, payload);
      await session.queryAsync(
        `${use}INSERT INTO ${table} (${names.join(', ')}) ` +
          `SELECT * FROM file(${quoteString(file)}, 'RowBinary', ${quoteString(structure)})`,
      );
    } finally {
      rmSync(file, { force: true });
    }
  }

  async function run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (closed) {
      throw new VigieError('STORE_UNAVAILABLE', `${operation} failed: the executor is closed`, {
        context: { operation, backend: 'chdb' },
      });
    }
    try {
      return await fn();
    } catch (err) {
      const mapped = toStoreError(err, operation, 'chdb');
      logger?.debug({ code: mapped.code, ...mapped.context }, 'store operation failed');
      throw mapped;
    }
  }

  try {
    await session.queryAsync(`CREATE DATABASE IF NOT EXISTS ${database} ENGINE = Atomic`);
  } catch (err) {
    release();
    throw toStoreError(err, 'create database', 'chdb');
  }

  return {
    kind: 'chdb',
    database,
    command: (sql, opts) =>
      run('command', async () => {
        await session.queryAsync(use + withSettings(sql, opts?.settings));
      }),
    query: <T>(sql: string, opts?: QueryOptions) =>
      run('query', async () => {
        const params = opts?.params;
        // Unbound text: the statement as is, or with its parameters inlined when asked and able.
        const unbound = !params ? sql : opts?.inlineParams ? inlineParams(sql, params) : undefined;
        const format = { format: 'JSONEachRow' };
        const result =
          unbound !== undefined
            ? await session.queryAsync(use + withSettings(unbound, opts?.settings), format)
            : await session.queryBindAsync(
                use + withSettings(sql, opts?.settings),
                params!,
                format,
              );
        return parseJsonEachRow<T>(result.text());
      }),
    insert: (table, columns, rows, opts) =>
      run('insert', async () => {
        if (rows.length === 0) return;
        assertIdentifier(table, 'table');
        const payload = encodeInsert(rows, opts?.types, { rowBinary: stagingUsable });
        if (payload.format === 'RowBinary') {
          await insertStaged(table, columns, opts!.types!, payload.values);
          return;
        }
        await session.insert({
          table: `${database}.${table}`,
          columns,
          format: payload.format,
          values: payload.values,
          settings: payload.format === 'CSV' ? CSV_SETTINGS : INSERT_SETTINGS,
        });
      }),
    ping: async () => {
      if (closed) return false;
      try {
        await session.queryAsync('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      release();
    },
  };
}
