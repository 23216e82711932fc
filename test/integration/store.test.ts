import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRecord, type MarketplaceEvent } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import {
  auditLogTable,
  createExecutor,
  createStore,
  eventsTable,
  featuresAsOf,
  flagReviewsTable,
  flagsTable,
  formatDateTime64,
  identifierLinksTable,
  listingTextsTable,
  migrate,
  modelsTable,
  sellerFeaturesTable,
  toEventRow,
  type ClickHouseExecutor,
  type EventRow,
} from '../../features/store/index.ts';
import { clickHouseBackends, countingExecutor, featureRow } from '../helpers/clickhouse.ts';

const DAY = 86_400_000;
/** Ten days ago at 10:00 UTC: inside the 180-day text TTL, so raw JSON is still there. */
const T0 = Math.floor(Date.now() / DAY) * DAY - 10 * DAY + 10 * 3_600_000;

function decoded(value: Record<string, unknown>): MarketplaceEvent {
  const result = decodeRecord(JSON.stringify(value));
  if (!result.ok) throw new Error(`bad fixture: ${result.reason}`);
  return result.event;
}

function eventRow(value: Record<string, unknown>, line = 1): EventRow {
  const raw = JSON.stringify(value);
  return toEventRow(decoded(value), {
    raw,
    origin: { kind: 'file', file: 'fixture.ndjson', line },
    receivedAt: T0 + DAY,
  });
}

const published = (id: string, seller: string, at: number) =>
  eventRow({
    event_id: id,
    type: 'listing.published',
    occurred_at: new Date(at).toISOString(),
    seller_id: seller,
    listing_id: `l-${id}`,
    title: 'Poupée ancienne',
    description: 'Très bon état',
    category: 'toys/dolls',
    price: { amount: 12.5, currency: 'EUR' },
    image_hashes: ['ab12', 'cd34'],
  });

const takenDown = (id: string, seller: string, at: number) =>
  eventRow({
    event_id: id,
    type: 'listing.taken_down',
    occurred_at: new Date(at).toISOString(),
    seller_id: seller,
    listing_id: 'l-1',
    decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
    category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
    source_type: 'SOURCE_TRUSTED_FLAGGER',
    automated_detection: false,
    notice_id: 'n-1',
  });

const TABLE_DEFINITIONS = [
  eventsTable,
  listingTextsTable,
  sellerFeaturesTable,
  identifierLinksTable,
  flagsTable,
  flagReviewsTable,
  modelsTable,
  auditLogTable,
];

async function countOf(executor: ClickHouseExecutor, sql: string): Promise<number> {
  const rows = await executor.query<{ n: string | number }>(sql);
  return Number(rows[0]?.n);
}

for (const backend of await clickHouseBackends()) {
  const title = backend.skipReason
    ? `store on ${backend.name} (skipped: ${backend.skipReason})`
    : `store on ${backend.name}`;

  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    afterAll(() => backend.cleanup());

    it('runs the same SQL with bound parameters and per-query settings', async () => {
      const executor = await backend.executor('exec');
      expect(executor.kind).toBe(backend.name);
      expect(await executor.ping()).toBe(true);
      const rows = await executor.query<{ v: string; d: string; s: string }>(
        "SELECT {v:String} AS v, currentDatabase() AS d, toString(getSetting('max_result_rows')) AS s",
        { params: { v: "it's" }, settings: { max_result_rows: 7 } },
      );
      expect(rows).toEqual([{ v: "it's", d: executor.database, s: '7' }]);
    });

    it('maps a bad statement to a non-retriable STORE_QUERY_FAILED with the engine code', async () => {
      const executor = await backend.executor('err');
      const err = await executor.query('SELEC 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VigieError);
      expect(err).toMatchObject({
        code: 'STORE_QUERY_FAILED',
        retriable: false,
        context: { clickhouseCode: 62 },
      });
    });

    it('migrates idempotently and records each version once', async () => {
      const executor = await backend.executor('migrate');
      const first = await migrate(executor);
      const second = await migrate(executor);
      expect(first).toEqual({ applied: [1, 2], alreadyApplied: [], ttlChanged: [] });
      expect(second).toEqual({ applied: [], alreadyApplied: [1, 2], ttlChanged: [] });
      const versions = await executor.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      expect(versions).toEqual([
        { version: 1, name: 'initial-schema' },
        { version: 2, name: 'listing-fingerprints' },
      ]);

      const tables = await executor.query<{ name: string; engine: string }>(
        'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name',
      );
      expect(tables.map((t) => t.name)).toEqual(
        [
          'audit_log',
          'events',
          'flag_reviews',
          'flags',
          'flags_current',
          'identifier_links',
          'listing_fingerprints',
          'listing_texts',
          'models',
          'schema_migrations',
          'seller_features',
          'seller_features_current',
          'seller_features_current_mv',
          'seller_features_latest',
        ].sort(),
      );
      // listing_texts is read a few rows per edited listing: small granules (tables/listing-texts.ts).
      const [layout] = await executor.query<{ create: string }>(
        `SELECT create_table_query AS create FROM system.tables
         WHERE database = currentDatabase() AND name = 'listing_texts'`,
      );
      expect(layout?.create).toMatch(/index_granularity = 256/);
      expect(layout?.create).toMatch(/max_compress_block_size = 65536/);
    });

    it('comments every table and column, and each module lists exactly its table columns', async () => {
      const executor = await backend.executor('comments');
      await migrate(executor);
      const uncommentedTables = await executor.query(
        "SELECT name FROM system.tables WHERE database = currentDatabase() AND comment = ''",
      );
      expect(uncommentedTables).toEqual([]);
      const uncommentedColumns = await executor.query(
        `SELECT table, name FROM system.columns
         WHERE database = currentDatabase() AND comment = ''
           AND table NOT IN ('seller_features_latest', 'flags_current', 'seller_features_current_mv')`,
      );
      expect(uncommentedColumns).toEqual([]);
      for (const table of TABLE_DEFINITIONS) {
        const described = await executor.query<{ name: string }>(`DESCRIBE TABLE ${table.name}`);
        expect(
          described.map((c) => c.name),
          table.name,
        ).toEqual([...table.columns]);
      }
    });

    it('puts the text TTL on raw text, blanks expired text and follows a changed setting', async () => {
      const executor = await backend.executor('ttl');
      await migrate(executor);
      const ttl = async (table: string) =>
        Object.fromEntries(
          (
            await executor.query<{ name: string; ttl_expression: string }>(
              `DESCRIBE TABLE ${table}`,
            )
          ).map((c) => [c.name, c.ttl_expression]),
        );
      expect(await ttl('events')).toMatchObject({
        raw: 'toDateTime(occurred_at) + toIntervalDay(180)',
        event_id: '',
        dsa_category: '',
      });
      expect(await ttl('listing_texts')).toMatchObject({
        title: 'toDateTime(version_at) + toIntervalDay(180)',
        description: 'toDateTime(version_at) + toIntervalDay(180)',
        normalized_text: 'toDateTime(version_at) + toIntervalDay(180)',
        minhash: '',
      });

      const now = Date.now();
      const text = (listing: string, versionAt: number) => ({
        listing_id: listing,
        seller_id: 's-ttl',
        version_at: versionAt,
        event_id: `e-${listing}`,
        category: 'toys/dolls',
        title: 'Poupée',
        description: 'Très bon état',
        normalized_text: 'poupee tres bon etat',
        minhash: [1, 2, 3],
        image_hashes: ['ab12'],
        obfuscation_score: 0.25,
      });
      await listingTextsTable.insert(executor, [
        text('old', now - 400 * DAY),
        text('new', now - DAY),
      ]);
      await executor.command('OPTIMIZE TABLE listing_texts FINAL');
      const rows = await executor.query<{ listing_id: string; title: string; minhash: number[] }>(
        'SELECT listing_id, title, normalized_text, minhash FROM listing_texts ORDER BY listing_id',
      );
      expect(rows).toEqual([
        {
          listing_id: 'new',
          title: 'Poupée',
          normalized_text: 'poupee tres bon etat',
          minhash: [1, 2, 3],
        },
        { listing_id: 'old', title: '', normalized_text: '', minhash: [1, 2, 3] },
      ]);

      const changed = await migrate(executor, { textTtlDays: 30 });
      expect(changed.ttlChanged.sort()).toEqual([
        'events.raw',
        'listing_texts.description',
        'listing_texts.normalized_text',
        'listing_texts.title',
      ]);
      expect((await ttl('listing_texts')).title).toBe('toDateTime(version_at) + toIntervalDay(30)');
      expect((await migrate(executor, { textTtlDays: 30 })).ttlChanged).toEqual([]);
    });

    it('stores typed event columns and counts a re-sent event_id once', async () => {
      const executor = await backend.executor('events');
      const store = createStore({ executor });
      await store.migrate();
      await store.events.insert([
        published('e1', 's1', T0),
        published('e2', 's1', T0 + 1),
        takenDown('e3', 's1', T0 + 2),
      ]);
      await store.flush();
      // A second batch re-sends e2 and e3 alongside a new event.
      await store.events.insert([
        published('e2', 's1', T0 + 1),
        takenDown('e3', 's1', T0 + 2),
        published('e4', 's2', T0),
      ]);
      await store.flush();

      expect(await countOf(executor, 'SELECT count() AS n FROM events FINAL')).toBe(4);
      expect(await countOf(executor, 'SELECT uniqExact(event_id) AS n FROM events')).toBe(4);
      const [takedown] = await executor.query(
        `SELECT type, occurred_at, received_at, listing_id, notice_id, decision_ground, dsa_category,
                source_type, automated_detection, price_amount, source_kind, source_name, source_position
         FROM events FINAL WHERE event_id = 'e3'`,
      );
      expect(takedown).toEqual({
        type: 'listing.taken_down',
        occurred_at: formatDateTime64(T0 + 2),
        received_at: formatDateTime64(T0 + DAY),
        listing_id: 'l-1',
        notice_id: 'n-1',
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        dsa_category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
        source_type: 'SOURCE_TRUSTED_FLAGGER',
        automated_detection: false,
        price_amount: null,
        source_kind: 'file',
        source_name: 'fixture.ndjson',
        source_position: '1',
      });
      const [listing] = await executor.query<{
        price_amount: number;
        image_count: number;
        raw: string;
      }>(
        "SELECT price_amount, price_currency, image_count, listing_category, raw FROM events FINAL WHERE event_id = 'e1'",
      );
      expect(listing).toMatchObject({
        price_amount: 12.5,
        price_currency: 'EUR',
        image_count: 2,
        listing_category: 'toys/dolls',
      });
      expect(JSON.parse(listing!.raw)).toMatchObject({ event_id: 'e1', title: 'Poupée ancienne' });
    });

    it('answers point-in-time feature questions without leaking later snapshots', async () => {
      const executor = await backend.executor('pit');
      const store = createStore({ executor });
      await store.migrate();
      await store.sellerFeatures.insert([
        featureRow('s1', T0, T0 + 1, { takedowns_total: 1 }),
        featureRow('s1', T0 + 10 * DAY, T0 + 10 * DAY, { takedowns_total: 2 }),
        featureRow('s1', T0 + 20 * DAY, T0 + 20 * DAY, { takedowns_total: 5 }),
        featureRow('s2', T0 + 5 * DAY, T0 + 5 * DAY, { takedowns_total: 9 }),
      ]);
      await store.flush();
      // The day-10 snapshot recomputed later with a corrected value: the later computation wins.
      await store.sellerFeatures.insert([
        featureRow('s1', T0 + 10 * DAY, T0 + 30 * DAY, { takedowns_total: 3 }),
      ]);
      // A late snapshot of an older day must not become "latest".
      await store.sellerFeatures.insert([
        featureRow('s2', T0 + DAY, T0 + 31 * DAY, { takedowns_total: 1 }),
      ]);
      await store.flush();

      expect(await featuresAsOf(executor, 's1', T0 - 1)).toBeUndefined();
      const day15 = await featuresAsOf(executor, 's1', T0 + 15 * DAY);
      expect(day15).toMatchObject({
        sellerId: 's1',
        asOf: T0 + 10 * DAY,
        computedAt: T0 + 30 * DAY,
      });
      expect(day15?.values.takedowns_total).toBe(3);
      expect((await featuresAsOf(executor, 's1', T0 + 20 * DAY))?.values.takedowns_total).toBe(5);

      const latest = await executor.query<{
        seller_id: string;
        takedowns_total: number;
        as_of: string;
      }>('SELECT seller_id, as_of, takedowns_total FROM seller_features_latest ORDER BY seller_id');
      expect(latest).toEqual([
        { seller_id: 's1', as_of: formatDateTime64(T0 + 20 * DAY), takedowns_total: 5 },
        { seller_id: 's2', as_of: formatDateTime64(T0 + 5 * DAY), takedowns_total: 9 },
      ]);
    });

    it('writes N buffered rows as one insert call and one part', async () => {
      const inner = await backend.executor('batch');
      const executor = countingExecutor(inner);
      const store = createStore({ executor, batchSize: 1_000 });
      await store.migrate();
      const rows = Array.from({ length: 2_500 }, (_, i) => published(`b${i}`, `s${i % 7}`, T0 + i));

      await store.events.insert(rows.slice(0, 999));
      expect(executor.inserts.filter((c) => c.table === 'events')).toEqual([]);
      await store.events.insert(rows.slice(999));
      expect(executor.inserts.filter((c) => c.table === 'events')).toEqual([
        { table: 'events', rows: 1_000 },
        { table: 'events', rows: 1_000 },
      ]);
      expect(store.pending().events).toBe(500);
      await store.flush();
      expect(executor.inserts.filter((c) => c.table === 'events').map((c) => c.rows)).toEqual([
        1_000, 1_000, 500,
      ]);
      expect(store.pending().events).toBe(0);
      expect(await countOf(executor, 'SELECT count() AS n FROM events')).toBe(2_500);

      // One insert of a single month's rows is one part.
      const other = await backend.executor('parts');
      await migrate(other);
      await createStore({ executor: other, batchSize: 10_000 }).events.insert(
        Array.from({ length: 10_000 }, (_, i) => published(`p${i}`, `s${i % 50}`, T0 + i)),
      );
      expect(
        await countOf(
          other,
          "SELECT count() AS n FROM system.parts WHERE database = currentDatabase() AND table = 'events' AND active",
        ),
      ).toBe(1);
    });

    it('retries a batch whose acknowledgement was lost without storing it twice', async () => {
      const inner = await backend.executor('retry');
      await migrate(inner);
      let failuresLeft = 1;
      let calls = 0;
      // The insert reaches ClickHouse, then the answer is lost: the worst case for a retry.
      const flaky: ClickHouseExecutor = {
        ...inner,
        kind: inner.kind,
        database: inner.database,
        async insert(table, columns, rows) {
          calls += 1;
          await inner.insert(table, columns, rows);
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            throw new VigieError('STORE_UNAVAILABLE', 'connection reset', { retriable: true });
          }
        },
      };
      const delays: number[] = [];
      const store = createStore({
        executor: flaky,
        sleep: async (ms) => {
          delays.push(ms);
        },
      });
      // audit_log is a plain MergeTree: only block deduplication can keep it exact.
      await store.auditLog.insert(
        Array.from({ length: 300 }, (_, i) => ({
          at: T0 + i,
          actor: 'reviewer-1',
          action: 'flag.reviewed',
          target: `f-${i}`,
          detail: '{}',
        })),
      );
      await store.flush();
      expect(calls).toBe(2);
      expect(delays).toEqual([200]);
      expect(await countOf(inner, 'SELECT count() AS n FROM audit_log')).toBe(300);
    });

    it.runIf(backend.name === 'chdb')(
      'refuses a second chDB data directory in the same process, clearly and for good',
      async () => {
        await backend.executor('first-dir');
        const otherDir = await mkdtemp(join(tmpdir(), 'vigie-store-other-'));
        try {
          const err = await createExecutor({ dataDir: otherDir, database: 'other' }).catch(
            (e: unknown) => e,
          );
          expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: false });
          expect((err as Error).message).toMatch(/one data directory per process/);
        } finally {
          await rm(otherDir, { recursive: true, force: true });
        }
      },
    );

    it('refuses an invalid row with SCHEMA_VIOLATION and buffers nothing', async () => {
      const executor = await backend.executor('invalid');
      const store = createStore({ executor });
      const bad = { ...published('x1', 's1', T0), occurred_at: Number.NaN };
      const err = await store.events
        .insert([published('x0', 's1', T0), bad])
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'SCHEMA_VIOLATION',
        context: { table: 'events', index: 1 },
      });
      expect(store.pending().events).toBe(0);
    });
  });
}

describe('store unavailable', () => {
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('gives retriable STORE_UNAVAILABLE errors and keeps unwritten rows buffered', async () => {
    const port = await closedPort();
    const executor = await createExecutor({
      url: `http://127.0.0.1:${port}`,
      dataDir: '',
      database: 'vigie_unreachable',
      requestTimeoutMs: 2_000,
    });
    try {
      expect(await executor.ping()).toBe(false);
      const err = await executor.query('SELECT 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VigieError);
      expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: true });

      const sleeps: number[] = [];
      const store = createStore({
        executor,
        retry: { attempts: 3, initialDelayMs: 100 },
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
      await store.events.insert([published('u1', 's1', T0), published('u2', 's1', T0)]);
      const flushErr = await store.flush().catch((e: unknown) => e);
      expect(flushErr).toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: true });
      expect(sleeps).toEqual([100, 200]);
      expect(store.pending().events).toBe(2);
    } finally {
      await executor.close();
    }
  });
});
