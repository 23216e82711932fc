import { z } from 'zod';
import type { MarketplaceEvent } from '../../../streams/contract/index.ts';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

/**
 * `events`: every accepted event, typed columns plus the raw JSON. ReplacingMergeTree on
 * (seller_id, occurred_at, event_id): a re-sent event has the same seller and time, so the same
 * key, and collapses at merge time; exact counts before a merge need FINAL (docs/store.md).
 */
export const EVENTS_SPEC: TableSpec = {
  name: 'events',
  comment:
    'Every accepted marketplace event (contract v1), typed columns plus the raw JSON. ' +
    'Deduplicated by event_id at merge time: use FINAL (or count(DISTINCT event_id)) for exact counts.',
  engine: 'ReplacingMergeTree',
  partitionBy: 'toYYYYMM(occurred_at)',
  orderBy: '(seller_id, occurred_at, event_id)',
  indexes: [
    'INDEX idx_event_id event_id TYPE bloom_filter GRANULARITY 4',
    'INDEX idx_listing_id listing_id TYPE bloom_filter GRANULARITY 4',
  ],
  columns: [
    { name: 'event_id', type: 'String', comment: 'Contract event_id: the idempotency key.' },
    {
      name: 'type',
      type: 'LowCardinality(String)',
      comment: 'Event type, e.g. listing.published, listing.taken_down, seller.sanctioned.',
    },
    { name: 'seller_id', type: 'String', comment: 'Platform seller account id.' },
    {
      name: 'occurred_at',
      type: "DateTime64(3, 'UTC')",
      comment: 'Event time (contract occurred_at), UTC. Drives every window.',
    },
    {
      name: 'received_at',
      type: "DateTime64(3, 'UTC')",
      comment: 'When Vigie received the record (arrival time), UTC.',
    },
    { name: 'listing_id', type: 'String', comment: "Listing concerned; '' when none." },
    {
      name: 'notice_id',
      type: 'String',
      comment: "Notice id (notice.received, listing.taken_down); '' when none.",
    },
    {
      name: 'listing_category',
      type: 'LowCardinality(String)',
      comment:
        "Platform category path of a published/edited listing, e.g. toys/dolls; '' otherwise.",
    },
    {
      name: 'price_amount',
      type: 'Nullable(Float64)',
      comment: 'Listing price amount (published/edited); NULL when the event carries no price.',
    },
    {
      name: 'price_currency',
      type: 'LowCardinality(String)',
      comment: "ISO 4217 currency of price_amount; '' when none.",
    },
    {
      name: 'image_count',
      type: 'UInt16',
      comment: 'Number of image hashes the event carries (hashes themselves are in listing_texts).',
    },
    {
      name: 'edited_fields',
      type: 'Array(LowCardinality(String))',
      comment:
        'listing.edited: which of title, description, category, price, image_hashes changed.',
    },
    {
      name: 'decision_ground',
      type: 'LowCardinality(String)',
      comment: "listing.taken_down: DSA decision ground (DECISION_GROUND_*); '' otherwise.",
    },
    {
      name: 'dsa_category',
      type: 'LowCardinality(String)',
      comment:
        "DSA statement category (STATEMENT_CATEGORY_*) of a takedown or notice; '' otherwise.",
    },
    {
      name: 'source_type',
      type: 'LowCardinality(String)',
      comment: "listing.taken_down: what triggered it (SOURCE_*); '' otherwise.",
    },
    {
      name: 'automated_detection',
      type: 'Nullable(Bool)',
      comment: 'listing.taken_down: whether the decision used automated detection; NULL otherwise.',
    },
    {
      name: 'notifier_type',
      type: 'LowCardinality(String)',
      comment: "notice.received: trusted_flagger, user or authority; '' otherwise.",
    },
    {
      name: 'action',
      type: 'LowCardinality(String)',
      comment: "seller.sanctioned: warning, suspension or termination; '' otherwise.",
    },
    {
      name: 'sanction_until',
      type: "Nullable(DateTime64(3, 'UTC'))",
      comment: 'seller.sanctioned: end of the sanction when given; NULL otherwise.',
    },
    {
      name: 'reason',
      type: 'LowCardinality(String)',
      comment: "listing.withdrawn: sold, expired or seller_deleted; '' otherwise.",
    },
    {
      name: 'country',
      type: 'LowCardinality(String)',
      comment: "seller.registered: ISO 3166-1 alpha-2 country; '' otherwise.",
    },
    {
      name: 'identifier_kinds',
      type: 'Array(LowCardinality(String))',
      comment:
        'seller.registered: which hashed identifiers were given (values in identifier_links).',
    },
    {
      name: 'raw',
      type: 'String',
      comment:
        'The event JSON as received. Holds listing text, so it is blanked VIGIE_TEXT_TTL_DAYS after occurred_at; typed columns stay.',
      textTtlFrom: 'occurred_at',
    },
    {
      name: 'source_kind',
      type: 'LowCardinality(String)',
      comment: 'Where the record came from: kafka, file or http.',
    },
    {
      name: 'source_name',
      type: 'String',
      comment: 'Kafka topic, file path or HTTP request id of the record.',
    },
    { name: 'source_partition', type: 'Int32', comment: 'Kafka partition; -1 for files and HTTP.' },
    {
      name: 'source_position',
      type: 'UInt64',
      comment: 'Kafka offset, or line number in the file / request body.',
    },
  ],
};

const Str = z.string();
const LowCard = z.string().max(512);

export const eventsTable = defineTable(EVENTS_SPEC, {
  event_id: z.string().min(1).max(128),
  type: LowCard.min(1),
  seller_id: z.string().min(1).max(128),
  occurred_at: EpochMsSchema,
  received_at: EpochMsSchema,
  listing_id: Str,
  notice_id: Str,
  listing_category: LowCard,
  price_amount: z.number().finite().nullable(),
  price_currency: LowCard,
  image_count: z.number().int().min(0).max(65_535),
  edited_fields: z.array(LowCard),
  decision_ground: LowCard,
  dsa_category: LowCard,
  source_type: LowCard,
  automated_detection: z.boolean().nullable(),
  notifier_type: LowCard,
  action: LowCard,
  sanction_until: EpochMsSchema.nullable(),
  reason: LowCard,
  country: LowCard,
  identifier_kinds: z.array(LowCard),
  raw: Str,
  source_kind: z.enum(['kafka', 'file', 'http']),
  source_name: Str,
  source_partition: z.number().int().min(-1),
  source_position: z.union([z.number().int().min(0), z.string().regex(/^\d+$/)]),
});

export type EventRow = z.infer<typeof eventsTable.schema>;

/** Where a record came from (the shape of streams' `Origin`). */
export type EventOrigin =
  | { kind: 'kafka'; topic: string; partition: number; offset: string }
  | { kind: 'file'; file: string; line: number }
  | { kind: 'http'; request: string; line: number };

const EDITABLE_FIELDS = ['title', 'description', 'category', 'price', 'image_hashes'] as const;

/** A decoded contract event plus its raw JSON and origin → an `events` row. */
export function toEventRow(
  event: MarketplaceEvent,
  meta: { raw: string; origin: EventOrigin; receivedAt: number },
): EventRow {
  // The origin's columns copied one by one: spread, they took ~15 % of the row's building.
  const origin = originColumns(meta.origin);
  const row: EventRow = {
    event_id: event.event_id,
    type: event.type,
    seller_id: event.seller_id,
    occurred_at: Date.parse(event.occurred_at),
    received_at: meta.receivedAt,
    listing_id: '',
    notice_id: '',
    listing_category: '',
    price_amount: null,
    price_currency: '',
    image_count: 0,
    edited_fields: [],
    decision_ground: '',
    dsa_category: '',
    source_type: '',
    automated_detection: null,
    notifier_type: '',
    action: '',
    sanction_until: null,
    reason: '',
    country: '',
    identifier_kinds: [],
    raw: meta.raw,
    source_kind: origin.source_kind,
    source_name: origin.source_name,
    source_partition: origin.source_partition,
    source_position: origin.source_position,
  };
  switch (event.type) {
    case 'seller.registered':
      row.country = event.country ?? '';
      row.identifier_kinds = Object.keys(event.identifiers).sort();
      break;
    case 'listing.published':
    case 'listing.edited':
      row.listing_id = event.listing_id;
      row.listing_category = event.category ?? '';
      row.price_amount = event.price?.amount ?? null;
      row.price_currency = event.price?.currency ?? '';
      row.image_count = event.image_hashes?.length ?? 0;
      if (event.type === 'listing.edited') {
        row.edited_fields = EDITABLE_FIELDS.filter((f) => event[f] !== undefined);
      }
      break;
    case 'listing.taken_down':
      row.listing_id = event.listing_id;
      row.notice_id = event.notice_id ?? '';
      row.decision_ground = event.decision_ground;
      row.dsa_category = event.category;
      row.source_type = event.source_type;
      row.automated_detection = event.automated_detection;
      break;
    case 'listing.withdrawn':
      row.listing_id = event.listing_id;
      row.reason = event.reason;
      break;
    case 'notice.received':
      row.notice_id = event.notice_id;
      row.listing_id = event.listing_id ?? '';
      row.notifier_type = event.notifier_type;
      row.dsa_category = event.category;
      break;
    case 'seller.sanctioned':
      row.action = event.action;
      row.sanction_until = event.until === undefined ? null : Date.parse(event.until);
      break;
  }
  return row;
}

function originColumns(
  origin: EventOrigin,
): Pick<EventRow, 'source_kind' | 'source_name' | 'source_partition' | 'source_position'> {
  switch (origin.kind) {
    case 'kafka':
      return {
        source_kind: 'kafka',
        source_name: origin.topic,
        source_partition: origin.partition,
        source_position: origin.offset,
      };
    case 'file':
      return {
        source_kind: 'file',
        source_name: origin.file,
        source_partition: -1,
        source_position: origin.line,
      };
    case 'http':
      return {
        source_kind: 'http',
        source_name: origin.request,
        source_partition: -1,
        source_position: origin.line,
      };
  }
}
