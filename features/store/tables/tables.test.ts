import { describe, expect, it } from 'vitest';
import { decodeRecord, type MarketplaceEvent } from '../../../streams/contract/index.ts';
import { VigieError } from '../../../streams/errors.ts';
import { FEATURE_NAMES } from '../../engine/index.ts';
import { initialSchema } from '../migrations/001-initial-schema.ts';
import { auditLogTable } from './audit-log.ts';
import { eventsTable, toEventRow } from './events.ts';
import { FEATURE_COLUMNS, FEATURE_COMMENTS } from './feature-columns.ts';
import { flagReviewsTable } from './flag-reviews.ts';
import { flagsTable } from './flags.ts';
import { identifierLinksTable } from './identifier-links.ts';
import { listingTextsTable } from './listing-texts.ts';
import { modelsTable } from './models.ts';
import { SELLER_FEATURES_CURRENT_SPEC, sellerFeaturesTable } from './seller-features.ts';
import { createTableSql, defineTable } from './table.ts';

const TABLES = [
  eventsTable,
  listingTextsTable,
  sellerFeaturesTable,
  identifierLinksTable,
  flagsTable,
  flagReviewsTable,
  modelsTable,
  auditLogTable,
];

function decoded(value: Record<string, unknown>): MarketplaceEvent {
  const result = decodeRecord(JSON.stringify(value));
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

const envelope = { occurred_at: '2026-03-01T10:15:00.250+01:00', seller_id: 's1' };
const origin = {
  kind: 'kafka' as const,
  topic: 'marketplace.events',
  partition: 3,
  offset: '9007199254740993',
};

describe('table modules', () => {
  it('give every table and column a comment, and one Float64 column per feature', () => {
    for (const table of TABLES) {
      expect(table.spec.comment.length, table.name).toBeGreaterThan(10);
      for (const column of table.spec.columns) {
        expect(column.comment.length, `${table.name}.${column.name}`).toBeGreaterThan(5);
      }
    }
    expect(new Set(FEATURE_COLUMNS).size).toBe(FEATURE_COLUMNS.length);
    expect(Object.keys(FEATURE_COMMENTS).sort()).toEqual([...FEATURE_COLUMNS].sort());
    expect(sellerFeaturesTable.columns).toEqual([
      'seller_id',
      'as_of',
      'computed_at',
      ...FEATURE_COLUMNS,
      'evidence',
    ]);
    expect(SELLER_FEATURES_CURRENT_SPEC.columns).toBe(sellerFeaturesTable.spec.columns);
  });

  it('refuses a row schema whose keys differ from the columns', () => {
    const spec = { ...auditLogTable.spec, name: 'broken' };
    expect(() => defineTable(spec, { at: auditLogTable.schema })).toThrow(/differ from columns/);
  });

  it('renders DDL with the text TTL only on raw text columns', () => {
    const ddl = createTableSql(listingTextsTable.spec, 42);
    const line = (column: string) => ddl.split('\n').find((l) => l.trim().startsWith(`${column} `));
    expect(line('title')).toMatch(/ TTL toDateTime\(version_at\) \+ toIntervalDay\(42\),$/);
    expect(line('minhash')).not.toMatch(/ TTL /);
    expect(ddl).toMatch(/SETTINGS non_replicated_deduplication_window = 1000/);
    const statements = initialSchema.statements({ textTtlDays: 180 });
    expect(statements.every((s) => /IF NOT EXISTS/.test(s))).toBe(true);
  });

  it('turns rows into positional values with DateTime64 text and refuses bad rows by index', () => {
    const values = auditLogTable.toValues([
      {
        at: Date.parse('2026-03-01T10:15:00.123Z'),
        actor: 'dpo',
        action: 'seller.erased',
        target: 'x',
        detail: '{}',
      },
    ]);
    expect(values).toEqual([['2026-03-01 10:15:00.123', 'dpo', 'seller.erased', 'x', '{}']]);
    let err: unknown;
    try {
      auditLogTable.toValues([
        { at: 1, actor: 'a', action: 'b', target: '', detail: '' },
        { at: -1 },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VigieError);
    expect(err).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      context: { table: 'audit_log', index: 1 },
    });
  });

  it('maps every event type onto typed columns', () => {
    const takedown = toEventRow(
      decoded({
        ...envelope,
        event_id: 'e1',
        type: 'listing.taken_down',
        listing_id: 'l1',
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
        source_type: 'SOURCE_ARTICLE_16',
        automated_detection: true,
      }),
      { raw: '{}', origin, receivedAt: 5 },
    );
    expect(takedown).toMatchObject({
      occurred_at: Date.parse('2026-03-01T09:15:00.250Z'),
      received_at: 5,
      listing_id: 'l1',
      notice_id: '',
      dsa_category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
      automated_detection: true,
      price_amount: null,
      source_kind: 'kafka',
      source_name: 'marketplace.events',
      source_partition: 3,
      source_position: '9007199254740993',
    });
    const edit = toEventRow(
      decoded({
        ...envelope,
        event_id: 'e2',
        type: 'listing.edited',
        listing_id: 'l1',
        price: { amount: 0, currency: 'EUR' },
        image_hashes: ['ab'],
      }),
      { raw: '{}', origin: { kind: 'file', file: 'in.ndjson', line: 7 }, receivedAt: 5 },
    );
    expect(edit).toMatchObject({
      edited_fields: ['price', 'image_hashes'],
      price_amount: 0,
      image_count: 1,
      source_partition: -1,
      source_position: 7,
    });
    const registered = toEventRow(
      decoded({
        ...envelope,
        event_id: 'e3',
        type: 'seller.registered',
        identifiers: { phone_hash: 'ff', email_hash: 'aa' },
        country: 'FR',
      }),
      { raw: '{}', origin, receivedAt: 5 },
    );
    expect(registered).toMatchObject({
      country: 'FR',
      identifier_kinds: ['email_hash', 'phone_hash'],
    });
    const sanction = toEventRow(
      decoded({
        ...envelope,
        event_id: 'e4',
        type: 'seller.sanctioned',
        action: 'suspension',
        until: '2026-04-01T00:00:00Z',
      }),
      { raw: '{}', origin, receivedAt: 5 },
    );
    expect(sanction).toMatchObject({
      action: 'suspension',
      sanction_until: Date.parse('2026-04-01T00:00:00Z'),
    });
    const notice = toEventRow(
      decoded({
        ...envelope,
        event_id: 'e5',
        type: 'notice.received',
        notice_id: 'n1',
        notifier_type: 'trusted_flagger',
        category: 'STATEMENT_CATEGORY_VIOLENCE',
      }),
      { raw: '{}', origin, receivedAt: 5 },
    );
    expect(notice).toMatchObject({
      notice_id: 'n1',
      notifier_type: 'trusted_flagger',
      listing_id: '',
    });
    const withdrawn = toEventRow(
      decoded({
        ...envelope,
        event_id: 'e6',
        type: 'listing.withdrawn',
        listing_id: 'l2',
        reason: 'seller_deleted',
      }),
      { raw: '{}', origin, receivedAt: 5 },
    );
    expect(withdrawn).toMatchObject({ reason: 'seller_deleted', listing_id: 'l2' });
    // Every mapped row is valid for the table.
    expect(() =>
      eventsTable.toValues([takedown, edit, registered, sanction, notice, withdrawn]),
    ).not.toThrow();
  });
});

describe('feature columns', () => {
  it('are exactly the feature engine names (the engine cannot import the store, so check here)', () => {
    expect([...FEATURE_COLUMNS].sort()).toEqual([...FEATURE_NAMES].sort());
  });
});
