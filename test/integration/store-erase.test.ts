import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLogTable,
  eraseSeller,
  flagReviewsTable,
  flagsTable,
  identifierLinksTable,
  listingTextsTable,
  migrate,
  sellerFeaturesTable,
  toEventRow,
  eventsTable,
  type ClickHouseExecutor,
  type ErasureReport,
  type FlagRow,
} from '../../features/store/index.ts';
import { decodeRecord } from '../../streams/contract/index.ts';
import { clickHouseBackends, featureRow } from '../helpers/clickhouse.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const DAY = 86_400_000;
/** An apostrophe and a dot: the id must survive SQL quoting and JSON alike. */
const ERASED = "o'brien.shop";
const OTHER = 'other-seller';
const ALL_TABLES = [
  'events',
  'listing_texts',
  'seller_features',
  'seller_features_current',
  'identifier_links',
  'flags',
  'flag_reviews',
  'models',
  'audit_log',
];

function events(seller: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const value = {
      event_id: `${seller}-e${i}`,
      type: 'listing.published',
      occurred_at: new Date(T0 + i * DAY).toISOString(),
      seller_id: seller,
      listing_id: `${seller}-l${i}`,
      title: `Titre ${i}`,
      description: 'description',
      category: 'toys/dolls',
      price: { amount: 10, currency: 'EUR' },
    };
    const decoded = decodeRecord(JSON.stringify(value));
    if (!decoded.ok) throw new Error(decoded.reason);
    return toEventRow(decoded.event, {
      raw: JSON.stringify(value),
      origin: { kind: 'kafka', topic: 'marketplace.events', partition: 0, offset: String(i) },
      receivedAt: T0 + i * DAY,
    });
  });
}

function text(seller: string, i: number) {
  return {
    listing_id: `${seller}-l${i}`,
    seller_id: seller,
    version_at: Date.now() - i * DAY,
    event_id: `${seller}-e${i}`,
    category: 'toys/dolls',
    title: `Titre ${i}`,
    description: 'description',
    normalized_text: 'titre description',
    minhash: [i, i + 1],
    image_hashes: [],
    obfuscation_score: 0.1,
  };
}

function flag(flagId: string, seller: string, overrides: Partial<FlagRow> = {}): FlagRow {
  return {
    flag_id: flagId,
    seller_id: seller,
    flagged_at: T0,
    kinds: ['recidivist'],
    severity: 'high',
    score: 0.9,
    model_version: 'm1',
    reasons: JSON.stringify([{ rule: 'relist', detail: 'relisted 3 taken-down listings' }]),
    evidence_listing_ids: [`${seller}-l0`],
    evidence_linked_seller_ids: [],
    status: 'open',
    updated_at: T0,
    ...overrides,
  };
}

async function fill(executor: ClickHouseExecutor): Promise<void> {
  await migrate(executor);
  await eventsTable.insert(executor, [...events(ERASED, 3), ...events(OTHER, 2)]);
  await listingTextsTable.insert(executor, [text(ERASED, 0), text(ERASED, 1), text(OTHER, 0)]);
  await sellerFeaturesTable.insert(executor, [
    featureRow(ERASED, T0, T0, { takedowns_total: 1 }),
    featureRow(ERASED, T0 + DAY, T0 + DAY, { takedowns_total: 2 }),
    featureRow(
      OTHER,
      T0,
      T0,
      { linked_sanctioned_sellers: 1 },
      JSON.stringify({ linked_seller_ids: [ERASED] }),
    ),
  ]);
  await identifierLinksTable.insert(executor, [
    { identifier_kind: 'email_hash', identifier_hash: 'aa11', seller_id: ERASED, first_seen: T0 },
    { identifier_kind: 'payout_hash', identifier_hash: 'bb22', seller_id: ERASED, first_seen: T0 },
    { identifier_kind: 'payout_hash', identifier_hash: 'bb22', seller_id: OTHER, first_seen: T0 },
  ]);
  await flagsTable.insert(executor, [
    flag('f-1', ERASED),
    flag('f-2', ERASED, { kinds: ['evasive', 'ban_evasion'], severity: 'critical' }),
    flag('f-3', OTHER, {
      kinds: ['ban_evasion'],
      evidence_linked_seller_ids: [ERASED, 'third'],
      reasons: JSON.stringify([
        { rule: 'shared_payout', detail: 'shares a payout hash', seller: ERASED },
      ]),
    }),
  ]);
  // f-1 was reviewed and confirmed: a second version of the flag row.
  await flagsTable.insert(executor, [
    flag('f-1', ERASED, { status: 'confirmed', updated_at: T0 + DAY }),
  ]);
  await flagReviewsTable.insert(executor, [
    {
      flag_id: 'f-1',
      reviewer: 'rev-1',
      decision: 'confirmed',
      note: "Seller o'brien relists dolls",
      reviewed_at: T0 + DAY,
    },
    {
      flag_id: 'f-3',
      reviewer: 'rev-2',
      decision: 'dismissed',
      note: 'not linked',
      reviewed_at: T0 + DAY,
    },
  ]);
  await auditLogTable.insert(executor, [
    { at: T0, actor: 'rev-1', action: 'flag.reviewed', target: ERASED, detail: '{}' },
    {
      at: T0 + 1,
      actor: 'rev-2',
      action: 'flag.reviewed',
      target: 'f-3',
      detail: JSON.stringify({ seller: OTHER }),
    },
  ]);
}

for (const backend of await clickHouseBackends()) {
  const title = backend.skipReason
    ? `seller erasure on ${backend.name} (skipped: ${backend.skipReason})`
    : `seller erasure on ${backend.name}`;

  describe.skipIf(backend.skipReason !== undefined)(title, () => {
    let executor: ClickHouseExecutor;
    let report: ErasureReport;

    beforeAll(async () => {
      executor = await backend.executor('erase');
      await fill(executor);
      report = await eraseSeller(executor, ERASED, { actor: 'dpo', now: () => T0 + 40 * DAY });
    });
    afterAll(() => backend.cleanup());

    it('says what it removed, table by table', () => {
      expect(report.pseudonym).toMatch(/^erased:[0-9a-f]{24}$/);
      expect(report.tables).toEqual([
        { table: 'events', deleted: 3, pseudonymised: 0, scrubbed: 0 },
        { table: 'listing_texts', deleted: 2, pseudonymised: 0, scrubbed: 0 },
        { table: 'seller_features', deleted: 2, pseudonymised: 0, scrubbed: 1 },
        // The current snapshot of each seller, fed by the materialized view.
        { table: 'seller_features_current', deleted: 1, pseudonymised: 0, scrubbed: 1 },
        { table: 'identifier_links', deleted: 2, pseudonymised: 0, scrubbed: 0 },
        { table: 'flags', deleted: 0, pseudonymised: 2, scrubbed: 1 },
        { table: 'flag_reviews', deleted: 0, pseudonymised: 0, scrubbed: 1 },
        { table: 'audit_log', deleted: 0, pseudonymised: 1, scrubbed: 0 },
      ]);
    });

    it('leaves the seller id nowhere in any table', async () => {
      for (const table of ALL_TABLES) {
        const rows = await executor.query(`SELECT * FROM ${table}`);
        const dump = JSON.stringify(rows);
        expect(dump.includes(ERASED), table).toBe(false);
        expect(dump.includes("o\\'brien.shop"), table).toBe(false);
      }
    });

    it('keeps the flags, their kinds, severity and review outcome under the pseudonym', async () => {
      const flags = await executor.query<Record<string, unknown>>(
        `SELECT flag_id, seller_id, kinds, severity, status, reasons, evidence_listing_ids,
                evidence_linked_seller_ids
         FROM flags FINAL ORDER BY flag_id`,
      );
      expect(flags).toEqual([
        {
          flag_id: 'f-1',
          seller_id: report.pseudonym,
          kinds: ['recidivist'],
          severity: 'high',
          status: 'confirmed',
          reasons: '[]',
          evidence_listing_ids: [],
          evidence_linked_seller_ids: [],
        },
        {
          flag_id: 'f-2',
          seller_id: report.pseudonym,
          kinds: ['evasive', 'ban_evasion'],
          severity: 'critical',
          status: 'open',
          reasons: '[]',
          evidence_listing_ids: [],
          evidence_linked_seller_ids: [],
        },
        {
          flag_id: 'f-3',
          seller_id: OTHER,
          kinds: ['ban_evasion'],
          severity: 'high',
          status: 'open',
          reasons: JSON.stringify([
            { rule: 'shared_payout', detail: 'shares a payout hash', seller: report.pseudonym },
          ]),
          evidence_listing_ids: [`${OTHER}-l0`],
          evidence_linked_seller_ids: ['third'],
        },
      ]);
      const reviews = await executor.query(
        'SELECT flag_id, reviewer, decision, note FROM flag_reviews ORDER BY flag_id',
      );
      expect(reviews).toEqual([
        { flag_id: 'f-1', reviewer: 'rev-1', decision: 'confirmed', note: '' },
        { flag_id: 'f-3', reviewer: 'rev-2', decision: 'dismissed', note: 'not linked' },
      ]);
    });

    it("leaves other sellers' data in place and logs the erasure", async () => {
      const counts = await executor.query<{ seller_id: string; n: string }>(
        'SELECT seller_id, count() AS n FROM events GROUP BY seller_id',
      );
      expect(counts).toEqual([{ seller_id: OTHER, n: '2' }]);
      const [features] = await executor.query<{
        evidence: string;
        linked_sanctioned_sellers: number;
      }>('SELECT evidence, linked_sanctioned_sellers FROM seller_features_latest');
      expect(JSON.parse(features!.evidence)).toEqual({ linked_seller_ids: [report.pseudonym] });
      expect(features!.linked_sanctioned_sellers).toBe(1);
      const audit = await executor.query<{ actor: string; target: string; detail: string }>(
        "SELECT actor, target, detail FROM audit_log WHERE action = 'seller.erased'",
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: 'dpo', target: report.pseudonym });
      expect(JSON.parse(audit[0]!.detail)).toEqual({ tables: report.tables });
    });

    it('finds nothing left to do the second time', async () => {
      const again = await eraseSeller(executor, ERASED, { now: () => T0 + 41 * DAY });
      for (const t of again.tables) {
        expect(t, t.table).toMatchObject({ deleted: 0, pseudonymised: 0 });
      }
      const [flags] = await executor.query<{ n: string }>('SELECT count() AS n FROM flags FINAL');
      expect(Number(flags?.n)).toBe(3);
    });
  });
}
