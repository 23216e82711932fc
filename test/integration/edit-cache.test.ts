import { createHash } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, type ClickHouseExecutor } from '../../features/store/index.ts';
import { simulatedLines } from '../../services/bench/dataset.ts';
import { decodeBatch } from '../../services/pipeline/decode-batch.ts';
import { createPipelineStore } from '../../services/pipeline/store-adapter.ts';
import type { AcceptedEvent } from '../../services/pipeline/types.ts';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import type { VersionCacheStats } from '../../services/pipeline/version-cache.ts';
import { chdbBackend } from '../helpers/clickhouse.ts';

/**
 * The edit cache (services/pipeline/version-cache.ts) changes where an edit's earlier version
 * comes from, never what is stored: a simulated marketplace written through the store adapter
 * with the cache and without it leaves the same `listing_texts`, across overlapping chunk
 * writes, a restart (a new adapter, an empty cache, versions it did not write in the store), a
 * rebalance (`forget`) and a cache too small to hold every listing.
 */

const logger = pino({ level: 'silent' });
const backend = chdbBackend();
afterAll(() => backend.cleanup());

const CHUNK = 600;
/** Chunk indexes: a restart before one, a rebalance before another. */
const RESTART_AT = 8;
const FORGET_AT = 14;

function simulatedEvents(): AcceptedEvent[] {
  const lines = simulatedLines(12_000, 11);
  const at = new Date(Date.UTC(2026, 0, 1));
  const records = lines.map((bytes, i) => ({
    bytes,
    origin: { kind: 'file' as const, file: 'sim.ndjson', line: i + 1 },
    receivedAt: at.getTime(),
  }));
  return decodeBatch(records, at).events;
}

/** Writes the events chunk by chunk as the pipeline does, the next write starting before the last lands. */
async function ingest(
  executor: ClickHouseExecutor,
  events: readonly AcceptedEvent[],
  listings: number,
): Promise<VersionCacheStats[]> {
  // Simulated events are dated 2026: a long TTL keeps their text, whatever today's date.
  const store = createStore({ executor, logger, textTtlDays: 3650 });
  await store.migrate();
  const open = () =>
    createPipelineStore({ store, logger, versionCache: { listings, textTtlDays: 3650 } });
  let adapter = open();
  const stats: VersionCacheStats[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  for (let i = 0, chunk = 0; i < events.length; i += CHUNK, chunk += 1) {
    if (chunk === RESTART_AT) {
      await inFlight;
      stats.push(adapter.versionCacheStats());
      adapter = open();
    }
    if (chunk === FORGET_AT) adapter.forget?.();
    const batch = events.slice(i, i + CHUNK);
    const stored = await adapter.storedEventIds(batch.map((e) => e.event));
    const write = adapter.writeEvents(batch.filter((e) => !stored.has(e.event.event_id)));
    await inFlight;
    inFlight = write;
  }
  await inFlight;
  stats.push(adapter.versionCacheStats());
  await store.flush();
  return stats;
}

async function digest(executor: ClickHouseExecutor): Promise<{ rows: number; hash: string }> {
  const rows = await executor.query<Record<string, unknown>>(
    'SELECT * FROM listing_texts FINAL ORDER BY seller_id, listing_id, version_at',
  );
  const hash = createHash('sha256');
  for (const row of rows) hash.update(JSON.stringify(row)).update('\n');
  return { rows: rows.length, hash: hash.digest('hex') };
}

describe('edit cache against chDB', () => {
  it('stores the same listing versions with the cache as without it', async () => {
    const events = simulatedEvents();
    const edits = events.filter((e) => e.event.type === 'listing.edited').length;
    expect(edits).toBeGreaterThan(500);

    const without = await backend.executor('edit_cache_off');
    const off = await ingest(without, events, 0);
    expect(off.every((s) => s.hits === 0 && s.listings === 0)).toBe(true);

    const large = await backend.executor('edit_cache_on');
    const on = await ingest(large, events, 1_000_000);
    const small = await backend.executor('edit_cache_small');
    const tight = await ingest(small, events, 64);

    const expected = await digest(without);
    expect(expected.rows).toBeGreaterThan(edits);
    expect(await digest(large)).toEqual(expected);
    expect(await digest(small)).toEqual(expected);

    // The cache did serve edits, was checked against the store's counts, and after the
    // restart was seeded from the store's reads of versions the new adapter had not written.
    const [beforeRestart, afterRestart] = on;
    expect(beforeRestart!.hits).toBeGreaterThan(100);
    expect(beforeRestart!.confirmed).toBeGreaterThan(100);
    expect(afterRestart!.seeded).toBeGreaterThan(0);
    expect(afterRestart!.hits).toBeGreaterThan(100);
    // Too small to hold the listings: more edits go to the store.
    const missed = (s: VersionCacheStats[]) => s.reduce((n, x) => n + x.misses, 0);
    expect(missed(tight)).toBeGreaterThan(missed(on));
    expect(Math.max(...tight.map((s) => s.listings))).toBeLessThanOrEqual(64);
  }, 240_000);

  it("builds on versions it did not write: after a restart, and another instance's after a rebalance", async () => {
    const executor = await backend.executor('edit_cache_owners');
    const store = createStore({ executor, logger, textTtlDays: 3650 });
    await store.migrate();
    const open = () =>
      createPipelineStore({ store, logger, versionCache: { listings: 1000, textTtlDays: 3650 } });
    const T = Date.UTC(2026, 2, 1);
    let n = 0;
    const edit = (listing: string, minutes: number, fields: object): AcceptedEvent => {
      const event = {
        event_id: `ec-${++n}`,
        seller_id: 's-own',
        occurred_at: new Date(T + minutes * 60_000).toISOString(),
        type: 'listing.edited',
        listing_id: listing,
        ...fields,
      } as MarketplaceEvent;
      return { event, raw: JSON.stringify(event), receivedAt: T };
    };
    const publish = (listing: string, minutes: number, title: string) =>
      edit(listing, minutes, {
        type: 'listing.published',
        title,
        description: 'Solid oak',
        category: 'home/furniture',
        price: { amount: 40, currency: 'EUR' },
      });
    const price = { price: { amount: 35, currency: 'EUR' } };

    // Restart: L1's versions at 1 and 3 minutes are in the store, the new process holds none;
    // a late edit (2 minutes) builds on the first, then an edit at 4 must build on the one at 3.
    const first = open();
    await first.writeEvents([
      publish('L1', 1, 'Oak table'),
      edit('L1', 3, { title: 'Oak table, waxed' }),
    ]);
    const restarted = open();
    await restarted.writeEvents([edit('L1', 2, { description: 'Solid oak, 4 chairs' })]);
    await restarted.writeEvents([edit('L1', 4, price)]);

    // Rebalance: this instance wrote and edited L2 (served from its cache), another instance
    // then edited it; after `forget` (partitions reassigned) the next edit builds on that one.
    const here = open();
    const there = open();
    await here.writeEvents([publish('L2', 1, 'Pine shelf')]);
    await here.writeEvents([edit('L2', 2, price)]);
    await here.writeEvents([edit('L2', 3, price)]);
    expect(here.versionCacheStats().hits).toBeGreaterThan(0);
    await there.writeEvents([edit('L2', 4, { title: 'Pine shelf, painted' })]);
    here.forget?.();
    await here.writeEvents([edit('L2', 5, price)]);
    await store.flush();

    const rows = await executor.query<{
      listing_id: string;
      version_at: string;
      title: string;
      description: string;
    }>(
      'SELECT listing_id, toString(version_at) AS version_at, title, description FROM listing_texts FINAL ORDER BY listing_id, version_at',
    );
    const at = (listing: string, minute: number) =>
      rows.find((r) => r.listing_id === listing && r.version_at.endsWith(`:0${minute}:00.000`));
    expect(at('L1', 2)).toMatchObject({ title: 'Oak table', description: 'Solid oak, 4 chairs' });
    expect(at('L1', 4)).toMatchObject({ title: 'Oak table, waxed', description: 'Solid oak' });
    expect(at('L2', 5)).toMatchObject({ title: 'Pine shelf, painted' });
  });
});
