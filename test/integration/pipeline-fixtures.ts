// Shared by the pipeline integration tests: seeded contract events and a small counting feature
// stage (a stand-in for the engine only; the broker and the store in these tests are real).
import type { MarketplaceEvent, RawRecord } from '../../streams/contract/index.ts';
import { FEATURE_COLUMNS } from '../../features/store/tables/feature-columns.ts';
import type { SellerFeaturesRow } from '../../features/store/tables/seller-features.ts';
import type { AcceptedEvent, FeatureStage } from '../../services/pipeline/index.ts';
import { mulberry32 } from '../../features/prng.ts';
import type { Logger } from 'pino';
import { createStore } from '../../features/store/writer.ts';
import { createPipelineStore } from '../../services/pipeline/store-adapter.ts';
import type { ClickHouseBackend } from '../helpers/clickhouse.ts';

const CATEGORIES = [
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
] as const;

/** The events as raw records of a file, one line each, received now. */
export function fileRecords(events: readonly MarketplaceEvent[], file: string): RawRecord[] {
  return events.map((e, line) => ({
    bytes: Buffer.from(JSON.stringify(e)),
    origin: { kind: 'file', file, line: line + 1 },
    receivedAt: Date.now(),
  }));
}

/**
 * `perSeller` events for each of `sellers` sellers, interleaved: registrations, publications,
 * takedowns, user notices and withdrawals. Titles differ between sellers (no cross-seller matches).
 */
export function makeEvents(options: {
  seed: number;
  sellers: number;
  perSeller: number;
  prefix?: string;
  /**
   * Every listing at the same price. The category price median is a platform-wide statistic read
   * when a snapshot is written, so with varied prices a snapshot depends on which other sellers'
   * listings were already applied (batch boundaries); a constant price makes it exact.
   */
  fixedPrice?: boolean;
}): MarketplaceEvent[] {
  const rng = mulberry32(options.seed);
  const prefix = options.prefix ?? 's';
  // In the future on purpose: the store blanks raw event text VIGIE_TEXT_TTL_DAYS after the
  // event time, and a rebuild from blanked text would lose the text-derived facts.
  const start = Date.parse('2030-01-07T08:00:00Z');
  const out: MarketplaceEvent[] = [];
  for (let i = 0; i < options.perSeller; i += 1) {
    for (let s = 0; s < options.sellers; s += 1) {
      const seller = `${prefix}${s}`;
      const at = new Date(start + (i * options.sellers + s) * 60_000).toISOString();
      const base = { event_id: `${seller}-e${i}`, seller_id: seller, occurred_at: at };
      const listing = `${seller}-l${Math.floor(i / 3)}`;
      const r = rng();
      if (i === 0) {
        out.push({
          ...base,
          type: 'seller.registered',
          identifiers: { device_hash: (s + 4096).toString(16) },
        });
      } else if (i % 3 === 1 || r < 0.3) {
        // Publications close in time share a title: later ones re-list earlier ones.
        out.push({
          ...base,
          type: 'listing.published',
          listing_id: `${listing}-${i}`,
          title: `vintage ${seller} doll model ${Math.floor(i / 6)} handmade`,
          description: `porcelain doll ${seller}, model ${Math.floor(i / 6)}, boxed`,
          category: 'toys/dolls',
          price: {
            amount: options.fixedPrice ? 25 : Math.round(r * 10_000) / 100,
            currency: 'EUR',
          },
        });
      } else if (r < 0.55) {
        out.push({
          ...base,
          type: 'listing.taken_down',
          listing_id: listing,
          decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
          category: CATEGORIES[Math.floor(r * 100) % 3]!,
          source_type: 'SOURCE_ARTICLE_16',
          automated_detection: false,
        });
      } else if (r < 0.62) {
        // An edit of a listing that may have been taken down, reusing its wording.
        out.push({
          ...base,
          type: 'listing.edited',
          listing_id: listing,
          title: `item ${seller} reworded ${i}`,
        });
      } else if (r < 0.64 && i > options.perSeller / 2) {
        out.push({ ...base, type: 'seller.sanctioned', action: 'warning' });
      } else if (r < 0.8) {
        out.push({
          ...base,
          type: 'notice.received',
          notice_id: `${seller}-n${i}`,
          listing_id: listing,
          notifier_type: 'user',
          category: CATEGORIES[0],
        });
      } else {
        out.push({ ...base, type: 'listing.withdrawn', listing_id: listing, reason: 'sold' });
      }
    }
  }
  return out;
}

/** What the counting stage computes per seller, for expectations. */
export function expectedCounts(events: readonly MarketplaceEvent[]) {
  const out = new Map<
    string,
    { listings: number; takedowns: number; trusted: number; user: number }
  >();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    const c = out.get(e.seller_id) ?? { listings: 0, takedowns: 0, trusted: 0, user: 0 };
    if (e.type === 'listing.published') c.listings += 1;
    if (e.type === 'listing.taken_down') c.takedowns += 1;
    if (e.type === 'notice.received') {
      if (e.notifier_type === 'user') c.user += 1;
      else c.trusted += 1;
    }
    out.set(e.seller_id, c);
  }
  return out;
}

/**
 * A feature stage that counts events per seller, idempotent by event_id like the real engine, and
 * writes its counts in the matching `seller_features` columns.
 */
export function createCountingStage(): FeatureStage<SellerFeaturesRow> & { applied: number } {
  const sellers = new Map<
    string,
    { ids: Set<string>; asOf: number; counts: ReturnType<typeof expectedCounts> }
  >();
  const stage = {
    applied: 0,
    async apply(events: readonly AcceptedEvent[]) {
      const changed = new Set<string>();
      for (const { event } of events) {
        let s = sellers.get(event.seller_id);
        if (!s) {
          s = { ids: new Set(), asOf: 0, counts: new Map() };
          sellers.set(event.seller_id, s);
        }
        if (s.ids.has(event.event_id)) continue;
        s.ids.add(event.event_id);
        stage.applied += 1;
        s.asOf = Math.max(s.asOf, Date.parse(event.occurred_at));
        const one = expectedCounts([event]).get(event.seller_id)!;
        const c = s.counts.get(event.seller_id) ?? {
          listings: 0,
          takedowns: 0,
          trusted: 0,
          user: 0,
        };
        c.listings += one.listings;
        c.takedowns += one.takedowns;
        c.trusted += one.trusted;
        c.user += one.user;
        s.counts.set(event.seller_id, c);
        changed.add(event.seller_id);
      }
      return changed;
    },
    snapshots(sellerIds: readonly string[], computedAt: Date): SellerFeaturesRow[] {
      return sellerIds.map((id) => {
        const s = sellers.get(id);
        const c = s?.counts.get(id) ?? { listings: 0, takedowns: 0, trusted: 0, user: 0 };
        const values = Object.fromEntries(FEATURE_COLUMNS.map((f) => [f, 0])) as Record<
          (typeof FEATURE_COLUMNS)[number],
          number
        >;
        values.listings_total = c.listings;
        values.takedowns_total = c.takedowns;
        values.notices_trusted_total = c.trusted;
        values.notices_user_total = c.user;
        return {
          seller_id: id,
          as_of: s?.asOf ?? 0,
          computed_at: computedAt.getTime(),
          ...values,
          evidence: '{}',
        } as SellerFeaturesRow;
      });
    },
  };
  return stage;
}

/** A migrated database of its own on `backend`, and the pipeline's store adapter over it. */
export async function migratedPipelineStore(
  backend: ClickHouseBackend,
  database: string,
  logger: Logger,
) {
  const executor = await backend.executor(database);
  const tables = createStore({ executor, logger });
  await tables.migrate();
  return { executor, store: createPipelineStore({ store: tables, logger }) };
}
