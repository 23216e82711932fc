import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  eventsTable,
  identifierLinksTable,
  listingTextsTable,
  sellerFeaturesTable,
  toEventRow,
  type Store,
} from '../../features/store/index.ts';
import { decodeRecord, type MarketplaceEvent } from '../../streams/contract/index.ts';
import { simulateMarketplace } from '../simulator/index.ts';
import { createEngineStage } from './engine-stage.ts';
import { createTableRowBuilder } from './table-rows.ts';
import type { AcceptedEvent } from './types.ts';

/**
 * The ingestion path appends the rows it builds without validating them again (`append`, not
 * `insert`): every row it builds from a simulated marketplace, mess included, must therefore
 * pass the table's own zod schema, so that skipping the check skips nothing.
 */
describe('rows the pipeline builds from validated events', () => {
  const simulation = simulateMarketplace({ sellers: 150, days: 20, seed: 11 });
  const accepted: AcceptedEvent[] = [];
  for (const line of simulation.events) {
    const decoded = decodeRecord(line);
    if (decoded.ok)
      accepted.push({ event: decoded.event, raw: line, receivedAt: 1_780_000_000_000 });
  }
  const events: MarketplaceEvent[] = accepted.map((a) => a.event);

  function expectValid(
    name: string,
    schema: { safeParse(v: unknown): { success: boolean } },
    rows: unknown[],
  ) {
    expect(rows.length, `${name}: some rows`).toBeGreaterThan(0);
    const invalid = rows.filter((r) => !schema.safeParse(r).success);
    expect(invalid.slice(0, 3), `${name}: rows failing the table schema`).toEqual([]);
  }

  it('event rows, listing versions and identifier links pass their tables’ schemas', () => {
    expect(accepted.length).toBeGreaterThan(3_000);
    expectValid(
      'events',
      eventsTable.schema,
      accepted.map((a) =>
        toEventRow(a.event, {
          raw: a.raw,
          origin: { kind: 'file', file: 'sim.ndjson', line: 1 },
          receivedAt: a.receivedAt,
        }),
      ),
    );
    const rows = createTableRowBuilder();
    expectValid('listing_texts', listingTextsTable.schema, rows.listingVersions(events, []));
    expectValid(
      'identifier_links',
      identifierLinksTable.schema,
      events.flatMap((e) => rows.identifierLinks(e)),
    );
  });

  it('feature snapshots pass the seller_features schema', async () => {
    // The in-memory engine stage never touches the store (cross-seller mode `memory`).
    const stage = createEngineStage({ store: {} as Store, logger: pino({ level: 'silent' }) });
    const changed = new Set<string>();
    for (let i = 0; i < accepted.length; i += 2_000) {
      for (const s of await stage.apply(accepted.slice(i, i + 2_000))) changed.add(s);
    }
    const sellers = [...new Set(events.map((e) => e.seller_id))];
    const snapshots = stage.snapshots(sellers, new Date(1_780_000_000_000));
    expect(snapshots).toHaveLength(sellers.length);
    expectValid('seller_features', sellerFeaturesTable.schema, snapshots);
  });
});
