import { z } from 'zod';
import type { ClickHouseExecutor } from '../executor.ts';
import { formatDateTime64, parseDateTime64 } from '../sql.ts';
import { FEATURE_COLUMNS, FEATURE_COMMENTS, type FeatureColumn } from './feature-columns.ts';
import { defineTable, EpochMsSchema, type ColumnSpec, type TableSpec } from './table.ts';

/**
 * `seller_features`: point-in-time snapshots, one row per seller per feature update. `as_of` is
 * the event time the snapshot describes, `computed_at` when Vigie computed it; an analyst asking
 * "what did we know on day D" filters `as_of <= D` and never sees later data.
 */
const featureColumns: ColumnSpec[] = FEATURE_COLUMNS.map((name) => ({
  name,
  type: 'Float64',
  comment: FEATURE_COMMENTS[name],
}));

const snapshotColumns: ColumnSpec[] = [
  { name: 'seller_id', type: 'String', comment: 'Platform seller account id.' },
  {
    name: 'as_of',
    type: "DateTime64(3, 'UTC')",
    comment: 'Event time the snapshot describes: it uses only events with occurred_at <= as_of.',
  },
  {
    name: 'computed_at',
    type: "DateTime64(3, 'UTC')",
    comment: 'Wall-clock time Vigie computed the snapshot (a recomputation keeps the latest).',
  },
  ...featureColumns,
  {
    name: 'evidence',
    type: 'String',
    comment: 'JSON: listing ids and linked seller ids behind the feature values.',
  },
];

export const SELLER_FEATURES_SPEC: TableSpec = {
  name: 'seller_features',
  comment:
    'Point-in-time feature snapshots, one row per seller per update. Filter as_of <= D for what ' +
    'was known on D; FINAL collapses recomputations of the same (seller_id, as_of).',
  engine: 'ReplacingMergeTree(computed_at)',
  partitionBy: 'toYYYYMM(as_of)',
  orderBy: '(seller_id, as_of)',
  columns: snapshotColumns,
};

/**
 * The latest snapshot per seller, maintained by a materialized view on every insert into
 * `seller_features`; read it through the `seller_features_latest` view, which applies FINAL.
 */
export const SELLER_FEATURES_CURRENT_SPEC: TableSpec = {
  name: 'seller_features_current',
  comment:
    'Latest feature snapshot per seller (highest as_of), fed by seller_features_current_mv. ' +
    'Query the seller_features_latest view, or this table with FINAL.',
  engine: 'ReplacingMergeTree(as_of)',
  orderBy: 'seller_id',
  columns: snapshotColumns,
};

const featureShape = Object.fromEntries(
  FEATURE_COLUMNS.map((name) => [name, z.number().finite()]),
) as { [K in FeatureColumn]: z.ZodNumber };

export const sellerFeaturesTable = defineTable(SELLER_FEATURES_SPEC, {
  seller_id: z.string().min(1).max(128),
  as_of: EpochMsSchema,
  computed_at: EpochMsSchema,
  ...featureShape,
  evidence: z.string(),
});

export type SellerFeaturesRow = z.infer<typeof sellerFeaturesTable.schema>;

/** A snapshot read back: times as epoch ms, features as numbers. */
export interface SellerFeaturesSnapshot {
  sellerId: string;
  asOf: number;
  computedAt: number;
  values: Record<FeatureColumn, number>;
  evidence: string;
}

/**
 * What Vigie knew about a seller at `at` (epoch ms): the snapshot with the highest as_of <= at,
 * or undefined. FINAL keeps only the latest computation of that as_of.
 */
export async function featuresAsOf(
  executor: ClickHouseExecutor,
  sellerId: string,
  at: number,
): Promise<SellerFeaturesSnapshot | undefined> {
  const rows = await executor.query<Record<string, unknown>>(
    `SELECT * FROM seller_features FINAL
     WHERE seller_id = {seller:String} AND as_of <= {at:DateTime64(3, 'UTC')}
     ORDER BY as_of DESC LIMIT 1`,
    { params: { seller: sellerId, at: formatDateTime64(at) } },
  );
  const row = rows[0];
  if (!row) return undefined;
  const values = Object.fromEntries(FEATURE_COLUMNS.map((f) => [f, Number(row[f])])) as Record<
    FeatureColumn,
    number
  >;
  return {
    sellerId: String(row.seller_id),
    asOf: parseDateTime64(String(row.as_of)),
    computedAt: parseDateTime64(String(row.computed_at)),
    values,
    evidence: String(row.evidence),
  };
}
