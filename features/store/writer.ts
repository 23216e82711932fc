import type { Logger } from 'pino';
import { isRetriable, VigieError } from '../../streams/errors.ts';
import type { ClickHouseExecutor } from './executor.ts';
import { toStoreError } from './errors.ts';
import { migrate, type MigrationReport } from './migrations/index.ts';
import { auditLogTable, type AuditLogRow } from './tables/audit-log.ts';
import { eventsTable, type EventRow } from './tables/events.ts';
import { flagReviewsTable, type FlagReviewRow } from './tables/flag-reviews.ts';
import { flagsTable, type FlagRow } from './tables/flags.ts';
import { identifierLinksTable, type IdentifierLinkRow } from './tables/identifier-links.ts';
import { listingTextsTable, type ListingTextRow } from './tables/listing-texts.ts';
import { modelsTable, type ModelRow } from './tables/models.ts';
import { sellerFeaturesTable, type SellerFeaturesRow } from './tables/seller-features.ts';
import type { TableDefinition } from './tables/table.ts';

export interface RetryOptions {
  /** Tries per batch, the first included. Default 5. */
  attempts: number;
  /** Wait before the second try; doubles each time. Default 200 ms. */
  initialDelayMs: number;
  /** Longest wait between tries. Default 5,000 ms. */
  maxDelayMs: number;
}

export interface StoreOptions {
  executor: ClickHouseExecutor;
  logger?: Logger;
  /** Rows per insert: a table's buffer is written when it holds this many. Default 10,000. */
  batchSize?: number;
  /** Days raw listing text is kept (VIGIE_TEXT_TTL_DAYS), applied by `migrate`. Default 180. */
  textTtlDays?: number;
  retry?: Partial<RetryOptions>;
  /** Waits between retries; tests pass an instant one. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** A buffered table: rows are validated on `insert` and written in batches. */
export interface TableWriter<Row> {
  /**
   * Validates and buffers rows; writes every full batch before resolving. Rows still in the
   * buffer are not durable until `flush()` resolves. Throws SCHEMA_VIOLATION (nothing buffered)
   * or a store error from writing a full batch: then the rows *are* buffered, so call `flush()`
   * again rather than inserting them twice.
   */
  insert(rows: readonly Row[]): Promise<void>;
  /**
   * As `insert`, for rows Vigie built itself from input already validated (the ingestion path:
   * rows derived from contract-checked events, feature snapshots): buffered without a second
   * validation. Anything that comes from outside goes through `insert`.
   */
  append(rows: readonly Row[]): Promise<void>;
  /** Writes everything buffered for this table. */
  flush(): Promise<void>;
  /** Rows buffered and not yet written. */
  pending(): number;
}

export interface Store {
  readonly executor: ClickHouseExecutor;
  readonly events: TableWriter<EventRow>;
  readonly listingTexts: TableWriter<ListingTextRow>;
  readonly sellerFeatures: TableWriter<SellerFeaturesRow>;
  readonly identifierLinks: TableWriter<IdentifierLinkRow>;
  readonly flags: TableWriter<FlagRow>;
  readonly flagReviews: TableWriter<FlagReviewRow>;
  readonly models: TableWriter<ModelRow>;
  readonly auditLog: TableWriter<AuditLogRow>;
  /** Applies pending migrations and the text TTL; run once at start. */
  migrate(): Promise<MigrationReport>;
  ping(): Promise<boolean>;
  /**
   * Writes every buffered row of every table; resolves once all are durable (then acknowledge
   * the source). On failure the rows stay buffered, in order, and the error says whether
   * trying again can help (`retriable`).
   */
  flush(): Promise<void>;
  /** Buffered rows per table. */
  pending(): Record<string, number>;
  /** Flushes; the executor belongs to the caller and stays open. */
  close(): Promise<void>;
}

const DEFAULT_RETRY: RetryOptions = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000 };

/**
 * The store the pipeline writes through. Each table has its own buffer and a single writer at a
 * time, so batches reach ClickHouse whole and in order. A failed batch is retried with back-off
 * when the error is retriable; retrying is safe because every table drops an insert block it has
 * already stored (block-hash deduplication, see tables/table.ts), and `events` also collapses
 * duplicate event ids.
 */
export function createStore(options: StoreOptions): Store {
  const { executor } = options;
  const logger = options.logger?.child({ component: 'store.writer' });
  const batchSize = options.batchSize ?? 10_000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new VigieError(
      'INVALID_CONFIG',
      `batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function insertWithRetry(
    table: TableDefinition<unknown>,
    batch: unknown[][],
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await executor.insert(table.name, table.columns, batch, { types: table.types });
        return;
      } catch (err) {
        const mapped = toStoreError(err, 'insert', executor.kind);
        if (!isRetriable(mapped) || attempt >= retry.attempts) throw mapped;
        const delay = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1));
        logger?.warn(
          { table: table.name, rows: batch.length, attempt, code: mapped.code, delayMs: delay },
          'store insert failed; retrying',
        );
        await sleep(delay);
      }
    }
  }

  const writers: Array<{ name: string; writer: TableWriter<unknown> }> = [];

  function buffered<Row>(table: TableDefinition<Row>): TableWriter<Row> {
    const buffer: unknown[][] = [];
    // One writer at a time per table: batches leave in order and none is written twice at once.
    let chain: Promise<void> = Promise.resolve();
    const exclusive = (fn: () => Promise<void>): Promise<void> => {
      const run = chain.then(fn);
      chain = run.catch(() => undefined);
      return run;
    };
    const write = (all: boolean) =>
      exclusive(async () => {
        while (buffer.length >= batchSize || (all && buffer.length > 0)) {
          const batch = buffer.slice(0, batchSize);
          await insertWithRetry(table as TableDefinition<unknown>, batch);
          // Removed only once stored: a failed batch stays at the head of the buffer.
          buffer.splice(0, batch.length);
        }
      });
    const writer: TableWriter<Row> = {
      async insert(rows) {
        const values = table.toValues(rows);
        for (const v of values) buffer.push(v);
        if (buffer.length >= batchSize) await write(false);
      },
      async append(rows) {
        const values = table.toValuesTrusted(rows);
        for (const v of values) buffer.push(v);
        if (buffer.length >= batchSize) await write(false);
      },
      flush: () => write(true),
      pending: () => buffer.length,
    };
    writers.push({ name: table.name, writer: writer as TableWriter<unknown> });
    return writer;
  }

  const store: Store = {
    executor,
    events: buffered(eventsTable),
    listingTexts: buffered(listingTextsTable),
    sellerFeatures: buffered(sellerFeaturesTable),
    identifierLinks: buffered(identifierLinksTable),
    flags: buffered(flagsTable),
    flagReviews: buffered(flagReviewsTable),
    models: buffered(modelsTable),
    auditLog: buffered(auditLogTable),
    migrate: () =>
      migrate(executor, { textTtlDays: options.textTtlDays, now: options.now ?? Date.now }),
    ping: () => executor.ping(),
    async flush() {
      const results = await Promise.allSettled(writers.map((w) => w.writer.flush()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    pending: () => Object.fromEntries(writers.map((w) => [w.name, w.writer.pending()])),
    close: () => store.flush(),
  };
  return store;
}
