import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createExecutor,
  createStore,
  listingTextsTable,
  type ClickHouseExecutor,
} from '../../features/store/index.ts';
import { DEFAULT_NUM_HASHES, normaliseText } from '../../features/text/index.ts';
import { runReplay, type ReplayDeps } from '../../services/cli/commands/replay.ts';
import { defaultOpenBackend } from '../../services/pipeline/index.ts';
import { createPipelineStore } from '../../services/pipeline/store-adapter.ts';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import { uniqueDatabase } from '../helpers/clickhouse.ts';

/**
 * The pipeline's derived tables: a replay through the real pipeline and engine into chDB fills
 * `listing_texts` (one version per publication or edit) and `identifier_links` (one row per
 * hashed identifier of a registration), and replaying or redelivering the same events adds no
 * duplicate rows.
 */

const T0 = Date.parse('2026-03-02T08:00:00Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
let n = 0;
const envelope = (seller: string, hours: number) => ({
  event_id: `pt-${++n}`,
  seller_id: seller,
  occurred_at: at(hours),
});
const published = (
  seller: string,
  hours: number,
  listing: string,
  title: string,
  description: string,
  imageHashes?: string[],
): MarketplaceEvent => ({
  ...envelope(seller, hours),
  type: 'listing.published',
  listing_id: listing,
  title,
  description,
  category: 'electronics/lasers',
  price: { amount: 30, currency: 'EUR' },
  ...(imageHashes ? { image_hashes: imageHashes } : {}),
});

const PLAIN = { title: 'Green laser pointer 5000 mW', description: 'Burns matches, range 10 km' };
/** The same words disguised: Cyrillic look-alikes, leetspeak and dotted letters. */
const DISGUISED = { title: 'Grееn l4s3r р.o.i.n.t.e.r 5000 mW', description: PLAIN.description };
const IMAGE = 'ab'.repeat(32);

const EVENTS: MarketplaceEvent[] = [
  {
    ...envelope('s-a', 0),
    type: 'seller.registered',
    identifiers: { email_hash: 'aa01', phone_hash: 'bb02', device_hash: 'CC03' },
  },
  { ...envelope('s-b', 0), type: 'seller.registered', identifiers: { payout_hash: 'dd04' } },
  { ...envelope('s-c', 0), type: 'seller.registered', identifiers: {} },
  published('s-a', 1, 'L1', PLAIN.title, PLAIN.description, [IMAGE]),
  published('s-b', 2, 'L2', DISGUISED.title, DISGUISED.description),
  published('s-a', 3, 'L3', 'Oak chair', 'Solid oak, hand made'),
  // Edits: the title only (description, category and images come from the publication)…
  { ...envelope('s-a', 4), type: 'listing.edited', listing_id: 'L3', title: 'Oak chair, waxed' },
  // …and the price only (the text, and so its signature, is the previous version's).
  {
    ...envelope('s-a', 5),
    type: 'listing.edited',
    listing_id: 'L1',
    price: { amount: 25, currency: 'EUR' },
  },
  {
    ...envelope('s-a', 6),
    type: 'listing.taken_down',
    listing_id: 'L1',
    decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
    category: 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
    source_type: 'SOURCE_ARTICLE_16',
    automated_detection: false,
  },
];
const LISTING_EVENTS = EVENTS.filter(
  (e) => e.type.startsWith('listing.') && e.type !== 'listing.taken_down',
);

const logger = pino({ level: 'silent' });
const deps: ReplayDeps = { openBackend: defaultOpenBackend, openFlagHook: null };

interface TextRow {
  listing_id: string;
  event_id: string;
  version_at: string;
  category: string;
  title: string;
  description: string;
  normalized_text: string;
  minhash: number[];
  image_hashes: string[];
  obfuscation_score: number;
}

describe('listing_texts and identifier_links from the pipeline (chDB)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-pipeline-tables-'));
  const dataDir = join(dir, 'data');
  const file = join(dir, 'events.ndjson');
  const database = uniqueDatabase('pipeline_tables');
  let executor: ClickHouseExecutor;

  const count = async (sql: string) =>
    Number((await executor.query<{ n: string }>(sql))[0]?.n ?? Number.NaN);
  const texts = () =>
    executor.query<TextRow>(
      `SELECT listing_id, event_id, version_at, category, title, description, normalized_text,
              minhash, image_hashes, obfuscation_score
       FROM listing_texts FINAL ORDER BY version_at`,
    );

  beforeAll(async () => {
    process.env.CLICKHOUSE_URL = '';
    process.env.CLICKHOUSE_DATABASE = database;
    process.env.LOG_LEVEL = 'silent';
    // Fixed 2026 event times: keep their text, whatever today's date.
    process.env.VIGIE_TEXT_TTL_DAYS = '3650';
    writeFileSync(file, EVENTS.map((e) => JSON.stringify(e)).join('\n'));
    // Batches of 2: the title-only edit of L3 meets its publication in the store, not the batch.
    const summary = await runReplay(file, { dataDir, batchSize: 2 }, deps);
    expect(summary).toMatchObject({ accepted: EVENTS.length, rejected: 0 });
    executor = await createExecutor({ dataDir, database });
  });

  afterAll(async () => {
    await executor?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one listing version per publication or edit, whole and signed', async () => {
    const rows = await texts();
    expect(rows.map((r) => r.event_id)).toEqual(LISTING_EVENTS.map((e) => e.event_id));
    const byEvent = new Map(rows.map((r) => [r.event_id, r]));
    const [l1, l2, l3, l3edit, l1edit] = LISTING_EVENTS.map((e) => byEvent.get(e.event_id)!);

    for (const r of rows) {
      expect(r.minhash).toHaveLength(DEFAULT_NUM_HASHES);
      expect(r.minhash.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)).toBe(true);
    }
    // Full 32-bit slots, not the engine's 8-bit sketch.
    expect(Math.max(...l1!.minhash)).toBeGreaterThan(0xff);

    // Obfuscation as the engine scores it: title, newline, description.
    const disguised = normaliseText(`${DISGUISED.title}\n${DISGUISED.description}`);
    expect(l2!.obfuscation_score).toBeGreaterThan(0);
    expect(l2!.obfuscation_score).toBeCloseTo(disguised.obfuscation, 12);
    expect(l2!.normalized_text).toBe(disguised.normalised);
    expect(l1!.obfuscation_score).toBe(0);
    // Normalisation undoes the disguise: the copy's signature is the original's.
    expect(l2!.minhash).toEqual(l1!.minhash);
    expect(l1!).toMatchObject({ title: PLAIN.title, image_hashes: [IMAGE] });

    // A title-only edit keeps the published description and category; its signature moves.
    expect(l3edit).toMatchObject({
      listing_id: 'L3',
      title: 'Oak chair, waxed',
      description: 'Solid oak, hand made',
      category: 'electronics/lasers',
    });
    expect(l3edit!.minhash).not.toEqual(l3!.minhash);
    // A price-only edit is a version too, with the text and signature of the one before.
    expect(l1edit).toMatchObject({ listing_id: 'L1', title: PLAIN.title, image_hashes: [IMAGE] });
    expect(l1edit!.minhash).toEqual(l1!.minhash);
    // Its publication was read from the store without them: derived again, the same columns.
    expect(l1edit!.normalized_text).toBe(l1!.normalized_text);
    expect(l1edit!.obfuscation_score).toBe(l1!.obfuscation_score);
  });

  it('writes one identifier link per hashed identifier, lower-cased, at registration time', async () => {
    const links = await executor.query<{
      identifier_kind: string;
      identifier_hash: string;
      seller_id: string;
      first_seen: string;
    }>(
      `SELECT identifier_kind, identifier_hash, seller_id, first_seen
       FROM identifier_links FINAL ORDER BY identifier_kind`,
    );
    const first = (h: number) => at(h).replace('T', ' ').replace('Z', '');
    expect(links).toEqual([
      {
        identifier_kind: 'device_hash',
        identifier_hash: 'cc03',
        seller_id: 's-a',
        first_seen: first(0),
      },
      {
        identifier_kind: 'email_hash',
        identifier_hash: 'aa01',
        seller_id: 's-a',
        first_seen: first(0),
      },
      {
        identifier_kind: 'payout_hash',
        identifier_hash: 'dd04',
        seller_id: 's-b',
        first_seen: first(0),
      },
      {
        identifier_kind: 'phone_hash',
        identifier_hash: 'bb02',
        seller_id: 's-a',
        first_seen: first(0),
      },
    ]);
  });

  it('adds no rows when the same file is replayed again', async () => {
    const before = {
      texts: await count('SELECT count() AS n FROM listing_texts'),
      links: await count('SELECT count() AS n FROM identifier_links'),
    };
    await executor.close();
    const again = await runReplay(file, { dataDir, batchSize: 500 }, deps);
    expect(again).toMatchObject({ accepted: 0, duplicates: EVENTS.length });
    executor = await createExecutor({ dataDir, database });
    // Not even before a merge: the stored events are store hits, nothing derived is written.
    expect(await count('SELECT count() AS n FROM listing_texts')).toBe(before.texts);
    expect(await count('SELECT count() AS n FROM identifier_links')).toBe(before.links);
    expect(before).toEqual({ texts: LISTING_EVENTS.length, links: 4 });
  });

  it('collapses rows written twice by a redelivered batch (same keys, FINAL)', async () => {
    const store = createStore({ executor, logger, textTtlDays: 3650 });
    const adapter = createPipelineStore({ store, logger });
    const accepted = EVENTS.map((event) => ({ event, raw: JSON.stringify(event), receivedAt: T0 }));
    // As after a crash between the derived tables' flush and the ack: the same batch again.
    await adapter.writeEvents(accepted);
    await adapter.writeEvents(accepted);
    await store.close();
    expect(
      await count(
        'SELECT count() AS n FROM (SELECT DISTINCT seller_id, listing_id, version_at FROM listing_texts)',
      ),
    ).toBe(LISTING_EVENTS.length);
    expect(await count('SELECT count() AS n FROM listing_texts FINAL')).toBe(LISTING_EVENTS.length);
    expect(await count('SELECT count() AS n FROM identifier_links FINAL')).toBe(4);
    // And the versions are the same rows as before (the edit of L3 built on the same base).
    const rows = await texts();
    expect(rows.find((r) => r.listing_id === 'L3' && r.title === 'Oak chair, waxed')).toMatchObject(
      {
        description: 'Solid oak, hand made',
      },
    );
  });

  it('builds an edit on a version whose write is still in flight (chunks overlap)', async () => {
    // The pipeline writes a chunk while the next one is applied, and may start that one's write
    // before the first lands: the edit's lookup of earlier versions must wait for it.
    const slow: ClickHouseExecutor = {
      ...executor,
      async insert(table, columns, rows, opts) {
        if (table === 'listing_texts') await new Promise((r) => setTimeout(r, 300));
        return executor.insert(table, columns, rows, opts);
      },
    };
    const store = createStore({ executor: slow, logger, textTtlDays: 3650 });
    const adapter = createPipelineStore({ store, logger });
    const accept = (event: MarketplaceEvent) => ({
      event,
      raw: JSON.stringify(event),
      receivedAt: T0,
    });
    const publication = published(
      's-f',
      10,
      'L-inflight',
      'Walnut desk',
      'Solid walnut, 2 drawers',
    );
    const edit: MarketplaceEvent = {
      ...envelope('s-f', 11),
      type: 'listing.edited',
      listing_id: 'L-inflight',
      price: { amount: 90, currency: 'EUR' },
    };
    const first = adapter.writeEvents([accept(publication)]);
    await adapter.writeEvents([accept(edit)]);
    await first;
    await store.close();
    const rows = (await texts()).filter((r) => r.listing_id === 'L-inflight');
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => [r.title, r.description])).toEqual([
      ['Walnut desk', 'Solid walnut, 2 drawers'],
      ['Walnut desk', 'Solid walnut, 2 drawers'],
    ]);
  });

  it('builds an edit on the version written last when one was written twice', async () => {
    // Two parts hold the same version (seller, listing, time): a rewrite with other text. The
    // table keeps the later one; the edit's lookup must build on it, unmerged parts and all
    // (a lookup without FINAL, tried in the tenth session, had to pick it itself).
    await executor.command('SYSTEM STOP MERGES listing_texts');
    try {
      const store = createStore({ executor, logger, textTtlDays: 3650 });
      const adapter = createPipelineStore({ store, logger });
      const accept = (event: MarketplaceEvent) => ({
        event,
        raw: JSON.stringify(event),
        receivedAt: T0,
      });
      const first = published('s-t', 20, 'L-twice', 'Birch tray', 'Birch, 30 cm');
      const again = { ...first, event_id: 'pt-twice-again', title: 'Birch tray, oiled' };
      await adapter.writeEvents([accept(first)]);
      await adapter.writeEvents([accept(again)]);
      const [{ n } = { n: '0' }] = await executor.query<{ n: string }>(
        "SELECT count() AS n FROM listing_texts WHERE listing_id = 'L-twice'",
      );
      expect(Number(n)).toBe(2);
      await adapter.writeEvents([
        accept({
          ...envelope('s-t', 21),
          type: 'listing.edited',
          listing_id: 'L-twice',
          price: { amount: 12, currency: 'EUR' },
        }),
      ]);
      await store.close();
    } finally {
      await executor.command('SYSTEM START MERGES listing_texts');
    }
    const rows = (await texts()).filter((r) => r.listing_id === 'L-twice');
    expect(rows.map((r) => r.title)).toEqual(['Birch tray, oiled', 'Birch tray, oiled']);
  });

  it('builds a price-only edit on a blanked version with its stored signature', async () => {
    // A version past the text TTL: raw and normalised text blanked, signature and score kept.
    // Its text columns cannot be derived again; the adapter reads them for this edit.
    const versionsAsked: string[] = [];
    const counting: ClickHouseExecutor = {
      ...executor,
      async query(sql, opts) {
        if (/FROM listing_texts FINAL/.test(sql)) versionsAsked.push(sql);
        return executor.query(sql, opts);
      },
    };
    await listingTextsTable.insert(executor, [
      {
        listing_id: 'L-old',
        seller_id: 's-o',
        version_at: T0 + 30 * 3_600_000,
        event_id: 'pt-old-publication',
        category: 'toys/dolls',
        title: '',
        description: '',
        normalized_text: '',
        minhash: [7, 8, 9],
        image_hashes: ['cd34'],
        obfuscation_score: 0.5,
      },
    ]);
    const store = createStore({ executor: counting, logger, textTtlDays: 3650 });
    const adapter = createPipelineStore({ store, logger });
    const edit: MarketplaceEvent = {
      ...envelope('s-o', 31),
      type: 'listing.edited',
      listing_id: 'L-old',
      price: { amount: 5, currency: 'EUR' },
    };
    await adapter.writeEvents([{ event: edit, raw: JSON.stringify(edit), receivedAt: T0 }]);
    await store.close();
    expect(versionsAsked).toHaveLength(2);
    const row = (await texts()).find((r) => r.event_id === edit.event_id);
    expect(row).toMatchObject({
      title: '',
      description: '',
      normalized_text: '',
      minhash: [7, 8, 9],
      image_hashes: ['cd34'],
      category: 'toys/dolls',
      obfuscation_score: 0.5,
    });
  });

  describe('previous versions asked with the stored-id lookup', () => {
    const VERSIONS_SQL = /FROM listing_texts FINAL/;
    /** The store and adapter over an executor that counts version lookups and slows inserts. */
    function setUp(delayMs: number) {
      const asked: Array<Record<string, unknown>> = [];
      const counting: ClickHouseExecutor = {
        ...executor,
        async query(sql, opts) {
          if (VERSIONS_SQL.test(sql)) asked.push(opts?.params ?? {});
          return executor.query(sql, opts);
        },
        async insert(table, columns, rows, opts) {
          if (table === 'listing_texts') await new Promise((r) => setTimeout(r, delayMs));
          return executor.insert(table, columns, rows, opts);
        },
      };
      const store = createStore({ executor: counting, logger, textTtlDays: 3650 });
      return { asked, store, adapter: createPipelineStore({ store, logger }) };
    }
    const accept = (event: MarketplaceEvent) => ({
      event,
      raw: JSON.stringify(event),
      receivedAt: T0,
    });
    const editOf = (seller: string, hours: number, listing: string): MarketplaceEvent => ({
      ...envelope(seller, hours),
      type: 'listing.edited',
      listing_id: listing,
      price: { amount: 80, currency: 'EUR' },
    });

    it('uses the early answer, which waits for versions still in flight', async () => {
      const { asked, store, adapter } = setUp(300);
      const publication = published('s-g', 12, 'L-early', 'Teak bench', 'Teak, 2 m, oiled');
      const edit = editOf('s-g', 13, 'L-early');
      const first = adapter.writeEvents([accept(publication)]);
      // As the pipeline does for the next chunk: look its ids up, then write the fresh ones.
      expect(await adapter.storedEventIds([edit])).toEqual(new Set());
      await adapter.writeEvents([accept(edit)]);
      await first;
      await store.close();
      expect(asked).toHaveLength(1);
      const rows = (await texts()).filter((r) => r.listing_id === 'L-early');
      expect(rows.map((r) => [r.title, r.description])).toEqual([
        ['Teak bench', 'Teak, 2 m, oiled'],
        ['Teak bench', 'Teak, 2 m, oiled'],
      ]);
    });

    it('asks again when the events written are not those looked up', async () => {
      const { asked, store, adapter } = setUp(0);
      await adapter.writeEvents([
        accept(published('s-h', 14, 'L-h1', 'Pine shelf', 'Pine, 80 cm')),
        accept(published('s-h', 14, 'L-h2', 'Pine stool', 'Pine, 45 cm')),
      ]);
      const one = editOf('s-h', 15, 'L-h1');
      const other = editOf('s-h', 16, 'L-h2');
      await adapter.storedEventIds([one, other]);
      // `other` was a store hit, say: only `one` is written, from an answer for `one` alone.
      await adapter.writeEvents([accept(one)]);
      await store.close();
      expect(asked).toHaveLength(2);
      expect(asked[1]).toMatchObject({ ids: ['L-h1'] });
      const rows = (await texts()).filter((r) => r.listing_id.startsWith('L-h'));
      expect(rows.map((r) => [r.listing_id, r.title]).sort()).toEqual([
        ['L-h1', 'Pine shelf'],
        ['L-h1', 'Pine shelf'],
        ['L-h2', 'Pine stool'],
      ]);
    });
  });
});
