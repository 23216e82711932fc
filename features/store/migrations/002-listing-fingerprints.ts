import { LISTING_FINGERPRINTS_SPEC } from '../tables/listing-fingerprints.ts';
import { createTableSql } from '../tables/table.ts';
import type { Migration } from './migration.ts';

/** v2: fingerprints shared across instances for cross-seller re-list search (issue 4). */
export const listingFingerprints: Migration = {
  version: 2,
  name: 'listing-fingerprints',
  statements: ({ textTtlDays }) => [createTableSql(LISTING_FINGERPRINTS_SPEC, textTtlDays)],
};
