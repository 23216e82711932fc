import { z } from 'zod';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

export const LISTING_TEXTS_LAYOUT_SETTINGS = [
  'index_granularity = 256',
  'min_compress_block_size = 4096',
  'max_compress_block_size = 65536',
] as const;

/**
 * `listing_texts`: one row per listing version (publication or edit). Raw and normalised text are
 * personal data or close to it, so a column TTL blanks them; signatures, image hashes and scores
 * are kept, because re-listing detection compares those, not the text.
 */
export const LISTING_TEXTS_SPEC: TableSpec = {
  name: 'listing_texts',
  comment:
    'Listing versions: raw and normalised text (blanked after VIGIE_TEXT_TTL_DAYS), MinHash ' +
    'signature, image hashes and obfuscation score. One row per publication or edit.',
  engine: 'ReplacingMergeTree',
  partitionBy: 'toYYYYMM(version_at)',
  orderBy: '(seller_id, listing_id, version_at)',
  indexes: ['INDEX idx_listing_id listing_id TYPE bloom_filter GRANULARITY 4'],
  // The pipeline reads the latest versions of a batch's edited listings (PREWHERE on the key,
  // FINAL). A seller has a few dozen rows, so with 8,192-row granules the ~200 sellers of a batch
  // touched nearly every granule, and each read decompressed the ~1 KB of signature and image
  // hashes of every row: the whole table per batch. Smaller granules and compressed blocks keep
  // that to the rows near the listings. Fixed at creation: a store created before keeps 8,192-row
  // granules (the same rows, slower edit lookups); docs/store.md says how to move one.
  settings: LISTING_TEXTS_LAYOUT_SETTINGS,
  columns: [
    { name: 'listing_id', type: 'String', comment: 'Platform listing id.' },
    { name: 'seller_id', type: 'String', comment: 'Seller who published the listing.' },
    {
      name: 'version_at',
      type: "DateTime64(3, 'UTC')",
      comment: 'Event time of the publication or edit that produced this version, UTC.',
    },
    { name: 'event_id', type: 'String', comment: 'The events.event_id this version comes from.' },
    {
      name: 'category',
      type: 'LowCardinality(String)',
      comment: 'Platform category path of the listing at this version.',
    },
    {
      name: 'title',
      type: 'String',
      comment: "Raw title. Blanked ('') VIGIE_TEXT_TTL_DAYS after version_at.",
      textTtlFrom: 'version_at',
    },
    {
      name: 'description',
      type: 'String',
      comment: "Raw description. Blanked ('') VIGIE_TEXT_TTL_DAYS after version_at.",
      textTtlFrom: 'version_at',
    },
    {
      name: 'normalized_text',
      type: 'String',
      comment:
        "Title and description after normalisation (confusables, case, spacing). Blanked ('') with the raw text.",
      textTtlFrom: 'version_at',
    },
    {
      name: 'minhash',
      type: 'Array(UInt32)',
      comment:
        'MinHash signature of the normalised text (near-duplicate detection); kept after the TTL.',
    },
    {
      name: 'image_hashes',
      type: 'Array(String)',
      comment: 'Perceptual image hashes (hex) of the listing images at this version.',
    },
    {
      name: 'obfuscation_score',
      type: 'Float64',
      comment: 'How much the text hides its meaning (look-alike characters, spacing tricks), 0-1.',
    },
  ],
};

export const listingTextsTable = defineTable(LISTING_TEXTS_SPEC, {
  listing_id: z.string().min(1).max(128),
  seller_id: z.string().min(1).max(128),
  version_at: EpochMsSchema,
  event_id: z.string().min(1).max(128),
  category: z.string(),
  title: z.string(),
  description: z.string(),
  normalized_text: z.string(),
  minhash: z.array(z.number().int().min(0).max(0xffffffff)),
  image_hashes: z.array(z.string()),
  obfuscation_score: z.number().min(0).max(1),
});

export type ListingTextRow = z.infer<typeof listingTextsTable.schema>;
