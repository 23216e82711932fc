import { z } from 'zod';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

/**
 * `listing_fingerprints`: the comparable content (no text) of listings published and taken down,
 * shared by every pipeline instance for cross-seller re-list search. Ordered by (fact, at) so a
 * lookup reads one time range; band keys and image hashes carry bloom filters so `hasAny` skips
 * granules that cannot match.
 */
export const LISTING_FINGERPRINTS_SPEC: TableSpec = {
  name: 'listing_fingerprints',
  comment:
    'Listing fingerprints (b-bit MinHash sketch, LSH band keys, image hashes) at publication ' +
    'and at takedown, written by the feature engine for cross-seller lookups. No text.',
  engine: 'ReplacingMergeTree',
  partitionBy: 'toYYYYMM(at)',
  orderBy: '(fact, at, seller_id, listing_id)',
  indexes: [
    'INDEX idx_band_keys band_keys TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_image_hashes image_hashes TYPE bloom_filter(0.01) GRANULARITY 1',
    'INDEX idx_listing listing_id TYPE bloom_filter GRANULARITY 4',
  ],
  columns: [
    {
      name: 'fact',
      type: 'LowCardinality(String)',
      comment: "'published' (at = publication) or 'taken_down' (at = takedown).",
    },
    { name: 'seller_id', type: 'String', comment: 'Seller of the listing.' },
    { name: 'listing_id', type: 'String', comment: 'Platform listing id.' },
    { name: 'at', type: "DateTime64(3, 'UTC')", comment: 'Event time of the fact, UTC.' },
    {
      name: 'signature',
      type: 'Array(UInt8)',
      comment: 'b-bit MinHash: low byte of each MinHash slot of the normalised text; [] if none.',
    },
    {
      name: 'band_keys',
      type: 'Array(String)',
      comment: 'LSH band keys of signature (features/text bandKeys); searched with hasAny.',
    },
    {
      name: 'image_hashes',
      type: 'Array(String)',
      comment: 'Perceptual image hashes (hex, lower case, sorted) of the listing.',
    },
    { name: 'shingles', type: 'UInt32', comment: 'Distinct shingles of the normalised text.' },
    {
      name: 'title_shingles',
      type: 'UInt32',
      comment: 'Estimated distinct shingles of the title (edit change ratios).',
    },
  ],
};

export const listingFingerprintsTable = defineTable(LISTING_FINGERPRINTS_SPEC, {
  fact: z.enum(['published', 'taken_down']),
  seller_id: z.string().min(1).max(128),
  listing_id: z.string().min(1).max(128),
  at: EpochMsSchema,
  signature: z.array(z.number().int().min(0).max(255)),
  band_keys: z.array(z.string()),
  image_hashes: z.array(z.string()),
  shingles: z.number().int().min(0),
  title_shingles: z.number().int().min(0),
});

export type ListingFingerprintRow = z.infer<typeof listingFingerprintsTable.schema>;
