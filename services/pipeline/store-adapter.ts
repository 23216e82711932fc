import type { Logger } from 'pino';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import type { ClickHouseExecutor } from '../../features/store/executor.ts';
import type { Store } from '../../features/store/writer.ts';
import type { SellerFeaturesRow } from '../../features/store/tables/seller-features.ts';
import { toEventRow } from '../../features/store/tables/events.ts';
import { formatDateTime64, parseDateTime64 } from '../../features/store/sql.ts';
import { eventFromRow, STORED_EVENT_COLUMNS, type StoredEventRow } from './event-from-row.ts';
import {
  createTableRowBuilder,
  editedListings,
  isBlanked,
  listingKey,
  type MinHashSettings,
  type StoredListingBase,
} from './table-rows.ts';
import type { AcceptedEvent, Lane, PipelineStore } from './types.ts';

export interface PipelineStoreAdapterOptions {
  store: Store;
  /**
   * The same store on a connection of its own, for the priority lane's statements (its lookups,
   * writes and the rebuild of its sellers). chDB runs one statement at a time per connection:
   * on the shared one a trusted-flagger notice's writes queue behind the main lane's inserts.
   * Absent: every lane uses `store`.
   */
  priorityStore?: Store;
  logger: Logger;
  /**
   * MinHash of `listing_texts.minhash`: the feature engine's (default: the engine's defaults).
   * With the engine stage's `minhash`, it carries the engine's text analyser too, so each
   * listing text is normalised and signed once for both.
   */
  minhash?: MinHashSettings;
}

/** A stored listing version as read back, without its text columns (DateTime64 as text). */
type StoredVersion = Omit<StoredListingBase, 'version_at'> & { version_at: string };

/** A stored version's text columns, read for blanked versions only. */
interface StoredTextColumns {
  listing_id: string;
  seller_id: string;
  version_at: string;
  normalized_text: string;
  minhash: string[] | number[];
  obfuscation_score: number | string;
}

interface VersionsQuery {
  params: { sellers: string[]; ids: string[]; until: string; n: number };
  key: string;
}

/** Earlier versions read per edited listing: enough for edits arriving a little out of order. */
const VERSIONS_PER_LISTING = 8;

const DAY_MS = 86_400_000;
const unique = (values: Iterable<string>) => [...new Set(values)];

/**
 * The store as the pipeline needs it. Lookups filter on `seller_id` first (the events table's
 * primary key prefix), then on `event_id` (bloom filter), so they stay cheap on a large table.
 */
export function createPipelineStore(
  options: PipelineStoreAdapterOptions,
): PipelineStore<SellerFeaturesRow> {
  /** The store a lane's statements go through. */
  const storeOf = (lane: Lane | undefined): Store =>
    lane === 'priority' && options.priorityStore ? options.priorityStore : options.store;
  const log = options.logger.child({ component: 'pipeline.store' });
  const rowsOf = createTableRowBuilder(options.minhash);
  /**
   * Settled once every `writeEvents` call's listing versions so far are stored (or failed). The
   * pipeline starts a chunk's write while the previous chunk's may still be in flight; an edit's
   * lookup of earlier versions waits for them, or it would miss a version written just before it
   * and keep none of its text (the edit carries only what changed).
   */
  let versionsWritten: Promise<void> = Promise.resolve();
  /** `writeEvents` calls whose listing versions are not stored yet (0: `versionsWritten` is). */
  let versionsInFlight = 0;

  /** The previous-versions query of a chunk's events: undefined when it holds no edit. */
  function versionsQuery(events: readonly MarketplaceEvent[]): VersionsQuery | undefined {
    const edited = editedListings(events);
    if (edited.length === 0) return undefined;
    let until = -Infinity;
    for (const e of events) {
      if (e.type === 'listing.edited') until = Math.max(until, Date.parse(e.occurred_at));
    }
    const params = {
      sellers: unique(edited.map((l) => l.sellerId)),
      ids: unique(edited.map((l) => l.listingId)),
      until: formatDateTime64(until),
      n: VERSIONS_PER_LISTING,
    };
    return { params, key: JSON.stringify(params) };
  }

  /**
   * The stored versions an edit of the chunk builds on, without their text columns: the row
   * builder derives those again from a version's title and description, and they are read only
   * for versions whose text is blanked (past the TTL) and that an edit changing no text may keep.
   */
  async function previousVersions(
    query: VersionsQuery,
    events: readonly MarketplaceEvent[],
    ex: ClickHouseExecutor,
  ): Promise<StoredListingBase[]> {
    // PREWHERE, not WHERE: edited listings are spread over the whole table, so the key selects
    // most granules, and under FINAL a WHERE is applied after the granules' rows (every selected
    // column) are read and merged. The conditions are on sorting-key
    // columns only, so filtering before FINAL keeps or drops whole key groups: same rows, about
    // half the engine's CPU. One thread: a small lookup, whose parallel streams cost more CPU
    // than they save.
    const rows = await ex.query<StoredVersion>(
      `SELECT listing_id, seller_id, version_at, category, title, description, image_hashes
       FROM listing_texts FINAL
       PREWHERE seller_id IN {sellers:Array(String)} AND listing_id IN {ids:Array(String)}
         AND version_at < {until:DateTime64(3, 'UTC')}
       ORDER BY version_at DESC
       LIMIT {n:UInt32} BY seller_id, listing_id`,
      { params: query.params, settings: { max_threads: 1 }, inlineParams: true },
    );
    const versions: StoredListingBase[] = rows.map((r) => ({
      ...r,
      version_at: parseDateTime64(r.version_at),
    }));
    const keepsText = new Set(
      events
        .filter((e) => e.type === 'listing.edited')
        .filter((e) => e.title === undefined && e.description === undefined)
        .map((e) => listingKey(e.seller_id, e.listing_id)),
    );
    const blanked = versions.filter(
      (v) => isBlanked(v) && keepsText.has(listingKey(v.seller_id, v.listing_id)),
    );
    if (blanked.length > 0) await addTextColumns(blanked, ex);
    return versions;
  }

  /** Reads the text columns of these stored versions into them (same key, FINAL). */
  async function addTextColumns(
    versions: StoredListingBase[],
    ex: ClickHouseExecutor,
  ): Promise<void> {
    const rows = await ex.query<StoredTextColumns>(
      `SELECT listing_id, seller_id, version_at, normalized_text, minhash, obfuscation_score
       FROM listing_texts FINAL
       PREWHERE seller_id IN {sellers:Array(String)} AND listing_id IN {ids:Array(String)}
         AND version_at IN {at:Array(DateTime64(3, 'UTC'))}`,
      {
        params: {
          sellers: unique(versions.map((v) => v.seller_id)),
          ids: unique(versions.map((v) => v.listing_id)),
          at: unique(versions.map((v) => formatDateTime64(v.version_at))),
        },
        settings: { max_threads: 1 },
        inlineParams: true,
      },
    );
    const versionKey = (sellerId: string, listingId: string, at: number) =>
      `${listingKey(sellerId, listingId)}\u0000${at}`;
    const byKey = new Map(
      rows.map((r) => [versionKey(r.seller_id, r.listing_id, parseDateTime64(r.version_at)), r]),
    );
    for (const v of versions) {
      const r = byKey.get(versionKey(v.seller_id, v.listing_id, v.version_at));
      if (r === undefined) continue;
      v.normalized_text = r.normalized_text;
      v.minhash = r.minhash.map(Number);
      v.obfuscation_score = Number(r.obfuscation_score);
    }
  }

  /**
   * The previous-versions lookup started with the stored-id lookup, on all of the chunk's events,
   * so that it is not one more round trip after it: nearly always every event is fresh, the
   * chunk's write asks the same query, and takes this answer. Used only if the query is the same
   * and no other chunk's write started in between (same `versionsWritten`); otherwise asked again.
   */
  let early: { key: string; after: Promise<void>; rows: Promise<StoredListingBase[]> } | undefined;

  function startEarlyVersions(events: readonly MarketplaceEvent[], ex: ClickHouseExecutor): void {
    early = undefined;
    const query = versionsQuery(events);
    if (query === undefined) return;
    const after = versionsWritten;
    // Sent now when no versions are being written, not from a promise reaction: the engine's
    // synchronous work on the chunk comes next, and the read should run during it.
    const rows =
      versionsInFlight === 0
        ? previousVersions(query, events, ex)
        : after.then(() => previousVersions(query, events, ex));
    rows.catch(() => undefined);
    early = { key: query.key, after, rows };
  }

  async function versionsFor(
    events: readonly MarketplaceEvent[],
    before: Promise<void>,
    ex: ClickHouseExecutor,
  ): Promise<StoredListingBase[]> {
    const query = versionsQuery(events);
    const taken = early;
    early = undefined;
    if (query === undefined) return [];
    if (taken !== undefined && taken.key === query.key && taken.after === before) {
      try {
        return await taken.rows;
      } catch {
        // Asked again below: the chunk's own attempt decides.
      }
    }
    await before;
    return previousVersions(query, events, ex);
  }

  function readBack(rows: readonly StoredEventRow[]): AcceptedEvent[] {
    const out: AcceptedEvent[] = [];
    let unreadable = 0;
    for (const row of rows) {
      const event = eventFromRow(row);
      if (!event) {
        unreadable += 1;
        continue;
      }
      out.push({ event, raw: row.raw, receivedAt: parseDateTime64(row.received_at) });
    }
    if (unreadable > 0) log.error({ unreadable }, 'stored events that cannot be read back');
    return out;
  }

  return {
    async storedEventIds(events: readonly MarketplaceEvent[], lane?: Lane) {
      if (events.length === 0) return new Set();
      const ex = storeOf(lane).executor;
      startEarlyVersions(events, ex);
      // A stored copy of an event has its seller and its occurred_at (the same event), so the
      // lookup is bounded by the batch's time span as well: with (seller_id, occurred_at) the
      // table's key prefix, it reads the few granules around the batch instead of every stored
      // event of its sellers (which grew with the table: quadratic over a long replay).
      let from = Infinity;
      let to = -Infinity;
      for (const e of events) {
        const at = Date.parse(e.occurred_at);
        if (at < from) from = at;
        if (at > to) to = at;
      }
      const rows = await ex.query<{ event_id: string }>(
        `SELECT DISTINCT event_id FROM events
         WHERE seller_id IN {sellers:Array(String)}
           AND occurred_at BETWEEN {from:DateTime64(3, 'UTC')} AND {to:DateTime64(3, 'UTC')}
           AND event_id IN {ids:Array(String)}`,
        {
          params: {
            sellers: unique(events.map((e) => e.seller_id)),
            from: formatDateTime64(from - 1),
            to: formatDateTime64(to + 1),
            ids: unique(events.map((e) => e.event_id)),
          },
          // Started at once, so that it runs while the engine applies the chunk (QueryOptions).
          inlineParams: true,
        },
      );
      return new Set(rows.map((r) => r.event_id));
    },

    async sellerEvents(sellerIds: readonly string[], lane?: Lane) {
      if (sellerIds.length === 0) return [];
      const rows = await storeOf(lane).executor.query<StoredEventRow>(
        `SELECT ${STORED_EVENT_COLUMNS} FROM events
         WHERE seller_id IN {sellers:Array(String)}
         ORDER BY occurred_at, event_id
         LIMIT 1 BY event_id`,
        // Unbound: a bound query waits for every bound query of the process (docs/store.md),
        // and a priority batch's rebuild is on a trusted-flagger notice's path.
        { params: { sellers: unique(sellerIds) }, inlineParams: true },
      );
      return readBack(rows);
    },

    async *scanEvents(pageSize: number) {
      const ex = options.store.executor;
      // Windows of whole days holding about a page of events each (empty days skipped), then
      // keyset pages inside a window: every query reads a bounded slice, in event-time order.
      const days = await ex.query<{ day: string; n: string }>(
        `SELECT toUnixTimestamp(toStartOfDay(occurred_at, 'UTC')) AS day, count() AS n
         FROM events GROUP BY day ORDER BY day`,
      );
      const windows: Array<{ from: number; to: number }> = [];
      let open: { from: number; to: number; n: number } | undefined;
      for (const { day, n } of days) {
        const from = Number(day) * 1000;
        if (open && open.n + Number(n) > pageSize) {
          windows.push(open);
          open = undefined;
        }
        if (open) {
          open.to = from + DAY_MS;
          open.n += Number(n);
        } else open = { from, to: from + DAY_MS, n: Number(n) };
      }
      if (open) windows.push(open);
      for (const { from, to } of windows) {
        let after = { at: formatDateTime64(from - 1), id: '' };
        for (;;) {
          const rows = await ex.query<StoredEventRow>(
            `SELECT ${STORED_EVENT_COLUMNS} FROM events
             WHERE occurred_at >= {from:DateTime64(3, 'UTC')}
               AND occurred_at < {to:DateTime64(3, 'UTC')}
               AND (occurred_at, event_id) > ({at:DateTime64(3, 'UTC')}, {id:String})
             ORDER BY occurred_at, event_id
             LIMIT 1 BY event_id
             LIMIT {n:UInt32}`,
            {
              params: {
                from: formatDateTime64(from),
                to: formatDateTime64(to),
                at: after.at,
                id: after.id,
                n: pageSize,
              },
            },
          );
          if (rows.length === 0) break;
          yield readBack(rows);
          const last = rows[rows.length - 1]!;
          after = { at: last.occurred_at, id: last.event_id };
          if (rows.length < pageSize) break;
        }
      }
    },

    async writeEvents(events: readonly AcceptedEvent[], lane?: Lane) {
      const store = storeOf(lane);
      // Derived rows first: once an event is in `events` it is never written again (it is a
      // store hit on redelivery), so its listing version and identifier links must already be
      // durable. Written again after a failure, they collapse by the tables' keys under FINAL.
      const accepted = events.map((e) => e.event);
      const links = accepted.flatMap((e) => rowsOf.identifierLinks(e));
      const before = versionsWritten;
      let settled!: () => void;
      const own = new Promise<void>((resolve) => (settled = resolve));
      versionsWritten = Promise.all([before, own]).then(() => undefined);
      versionsInFlight += 1;
      try {
        // Only an edit reads earlier versions (after the previous chunks' versions are stored);
        // a chunk without one need not wait.
        const versions = rowsOf.listingVersions(
          accepted,
          await versionsFor(accepted, before, store.executor),
        );
        if (links.length > 0) await store.identifierLinks.append(links);
        if (versions.length > 0) await store.listingTexts.append(versions);
        await Promise.all([store.identifierLinks.flush(), store.listingTexts.flush()]);
      } finally {
        versionsInFlight -= 1;
        settled();
      }
      await store.events.append(
        events.map((e) =>
          toEventRow(e.event, {
            raw: e.raw,
            origin: e.origin ?? { kind: 'http', request: 'unknown', line: 0 },
            receivedAt: e.receivedAt,
          }),
        ),
      );
      await store.events.flush();
    },

    async writeSnapshots(snapshots: readonly SellerFeaturesRow[], lane?: Lane) {
      const store = storeOf(lane);
      await store.sellerFeatures.append(snapshots);
      await store.sellerFeatures.flush();
    },
  };
}
