import { z } from 'zod';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

/**
 * `identifier_links`: which sellers registered with which hashed identifier. Ordered by the
 * identifier so "who else used this payout hash" is one range read (ban-evasion lookups).
 */
export const IDENTIFIER_LINKS_SPEC: TableSpec = {
  name: 'identifier_links',
  comment:
    'Hashed identifiers (email, phone, device, payout) per seller, from seller.registered. ' +
    'Values are keyed hashes computed by the platform; Vigie never sees raw identifiers.',
  engine: 'ReplacingMergeTree',
  orderBy: '(identifier_kind, identifier_hash, seller_id)',
  indexes: ['INDEX idx_seller_id seller_id TYPE bloom_filter GRANULARITY 4'],
  columns: [
    {
      name: 'identifier_kind',
      type: 'LowCardinality(String)',
      comment: 'email_hash, phone_hash, device_hash or payout_hash.',
    },
    { name: 'identifier_hash', type: 'String', comment: 'The platform keyed hash (hex).' },
    { name: 'seller_id', type: 'String', comment: 'Seller that registered with this identifier.' },
    {
      name: 'first_seen',
      type: "DateTime64(3, 'UTC')",
      comment: 'Event time of the registration that carried it (use min() across duplicates).',
    },
  ],
};

export const IDENTIFIER_KINDS = ['email_hash', 'phone_hash', 'device_hash', 'payout_hash'] as const;

export const identifierLinksTable = defineTable(IDENTIFIER_LINKS_SPEC, {
  identifier_kind: z.enum(IDENTIFIER_KINDS),
  identifier_hash: z.string().regex(/^[0-9a-fA-F]+$/, 'expected a hex hash'),
  seller_id: z.string().min(1).max(128),
  first_seen: EpochMsSchema,
});

export type IdentifierLinkRow = z.infer<typeof identifierLinksTable.schema>;
