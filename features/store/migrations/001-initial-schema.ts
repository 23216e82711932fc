import { AUDIT_LOG_SPEC } from '../tables/audit-log.ts';
import { EVENTS_SPEC } from '../tables/events.ts';
import { FLAG_REVIEWS_SPEC } from '../tables/flag-reviews.ts';
import { FLAGS_SPEC } from '../tables/flags.ts';
import { IDENTIFIER_LINKS_SPEC } from '../tables/identifier-links.ts';
import { LISTING_TEXTS_SPEC } from '../tables/listing-texts.ts';
import { MODELS_SPEC } from '../tables/models.ts';
import { SELLER_FEATURES_CURRENT_SPEC, SELLER_FEATURES_SPEC } from '../tables/seller-features.ts';
import { createTableSql } from '../tables/table.ts';
import { quoteString } from '../sql.ts';
import type { Migration } from './migration.ts';

/**
 * v1 builds every table from the specs in tables/. A later change to a table ships as a new
 * migration (ALTER … IF NOT EXISTS) together with the spec change, so a fresh database (v1 from
 * the current specs, then the ALTERs as no-ops) and an old one end up with the same shape.
 */
const TABLES = [
  EVENTS_SPEC,
  LISTING_TEXTS_SPEC,
  SELLER_FEATURES_SPEC,
  SELLER_FEATURES_CURRENT_SPEC,
  IDENTIFIER_LINKS_SPEC,
  FLAGS_SPEC,
  FLAG_REVIEWS_SPEC,
  MODELS_SPEC,
  AUDIT_LOG_SPEC,
];

const snapshotColumns = SELLER_FEATURES_SPEC.columns.map((c) => c.name).join(', ');

export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  statements: ({ textTtlDays }) => [
    ...TABLES.map((spec) => createTableSql(spec, textTtlDays)),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS seller_features_current_mv TO seller_features_current
AS SELECT ${snapshotColumns} FROM seller_features
COMMENT ${quoteString('Copies every seller_features insert into seller_features_current.')}`,
    `CREATE VIEW IF NOT EXISTS seller_features_latest
AS SELECT * FROM seller_features_current FINAL
COMMENT ${quoteString('Current feature values per seller: the snapshot with the highest as_of.')}`,
    `CREATE VIEW IF NOT EXISTS flags_current
AS SELECT * FROM flags FINAL
COMMENT ${quoteString('Current state of every flag (latest updated_at), status included.')}`,
  ],
};
