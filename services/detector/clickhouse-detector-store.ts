import { z } from 'zod';
import {
  FEATURE_NAMES,
  type DismissedFlag,
  type FeatureName,
  type FlagState,
  type ModelRecord,
  type SellerFeatureSet,
} from '../../detectors/index.ts';
import type { SellerFlagged } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import {
  parseDateTime64,
  type ClickHouseExecutor,
  type SellerFeaturesRow,
  type Store,
} from '../../features/store/index.ts';
import type { DetectorStore, SellerFeatureRecord } from './store-port.ts';

const IdsSchema = z.array(z.string()).catch([]);
const EvidenceSchema = z.object({
  listing_ids: IdsSchema.default([]),
  linked_seller_ids: IdsSchema.default([]),
  by_feature: z
    .record(
      z.string(),
      z.object({ listing_ids: IdsSchema.optional(), linked_seller_ids: IdsSchema.optional() }),
    )
    .default({}),
});

function parseEvidence(text: string, sellerRow: number): SellerFeatureSet['evidence'] {
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new VigieError(
      'STORE_QUERY_FAILED',
      `seller_features evidence is not JSON (row ${sellerRow})`,
      {
        context: { row: sellerRow },
        cause: err,
      },
    );
  }
  const parsed = EvidenceSchema.safeParse(json);
  if (!parsed.success) {
    throw new VigieError(
      'STORE_QUERY_FAILED',
      `seller_features evidence has an unexpected shape (row ${sellerRow})`,
      {
        context: { row: sellerRow },
      },
    );
  }
  return parsed.data as SellerFeatureSet['evidence'];
}

/** A seller's record from a feature row: its values, `as_of` in epoch ms, its evidence JSON. */
function featureRecord(
  row: Record<string, unknown>,
  asOf: number,
  evidence: string,
  index: number,
): SellerFeatureRecord {
  const values = Object.fromEntries(FEATURE_NAMES.map((f) => [f, Number(row[f])])) as Record<
    FeatureName,
    number
  >;
  return {
    sellerId: String(row.seller_id),
    asOf,
    features: { values, evidence: parseEvidence(evidence, index) },
  };
}

/** A row read back from the store (DateTime64 as text). */
function toRecord(row: Record<string, unknown>, index: number): SellerFeatureRecord {
  return featureRecord(row, parseDateTime64(String(row.as_of)), String(row.evidence ?? ''), index);
}

/**
 * A snapshot row as the pipeline has just written it (values in memory, `as_of` in epoch ms) as
 * the detector reads it: the same record `latestFeatures` would read back, without the round
 * trip.
 */
export function recordFromSnapshot(row: SellerFeaturesRow, index = 0): SellerFeatureRecord {
  return featureRecord(row, row.as_of, row.evidence, index);
}

const FEATURE_SELECT = ['seller_id', 'as_of', ...FEATURE_NAMES, 'evidence'].join(', ');

interface FlagStateRow {
  flag_id: string;
  seller_id: string;
  flagged_at: string;
  updated_at: string;
  kinds: string[];
  severity: string;
  evidence_listing_ids: string[];
  evidence_linked_seller_ids: string[];
  status: string;
  review: string;
}

/**
 * The detector loop's view of the store: latest features from `seller_features_latest`, models in
 * `models`, flags in `flags` (read FINAL) with their reviews from `flag_reviews`.
 */
export function createClickHouseDetectorStore(store: Store): DetectorStore {
  const executor: ClickHouseExecutor = store.executor;
  return {
    async latestFeatures(sellerIds) {
      if (sellerIds.length === 0) return [];
      const rows = await executor.query<Record<string, unknown>>(
        `SELECT ${FEATURE_SELECT} FROM seller_features_latest WHERE seller_id IN {ids:Array(String)}`,
        { params: { ids: [...sellerIds] } },
      );
      return rows.map(toRecord);
    },

    async *featurePages(pageSize) {
      let after = '';
      for (;;) {
        const rows = await executor.query<Record<string, unknown>>(
          `SELECT ${FEATURE_SELECT} FROM seller_features_latest
           WHERE seller_id > {after:String} ORDER BY seller_id LIMIT {n:UInt32}`,
          { params: { after, n: pageSize } },
        );
        if (rows.length === 0) return;
        yield rows.map(toRecord);
        if (rows.length < pageSize) return;
        after = String(rows[rows.length - 1]!.seller_id);
      }
    },

    async featureValues(names, maxRows) {
      const rows = await executor.query<Record<string, unknown>>(
        // A hash order is a fixed pseudo-random sample: the same population gives the same rows
        // in the same order, whatever the insertion order, so a training is reproducible.
        `SELECT ${names.join(', ')} FROM seller_features_latest
         ORDER BY cityHash64(seller_id), seller_id LIMIT {n:UInt64}`,
        { params: { n: maxRows } },
      );
      return rows.map(
        (row) =>
          Object.fromEntries(names.map((n) => [n, Number(row[n])])) as Record<FeatureName, number>,
      );
    },

    async latestModel() {
      const rows = await executor.query<Record<string, unknown>>(
        `SELECT version, created_at, params, training_summary, model FROM models FINAL
         ORDER BY created_at DESC, version DESC LIMIT 1`,
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      try {
        return {
          version: String(row.version),
          createdAt: parseDateTime64(String(row.created_at)),
          params: JSON.parse(String(row.params)) as ModelRecord['params'],
          summary: JSON.parse(String(row.training_summary)) as ModelRecord['summary'],
          model: String(row.model),
        };
      } catch (err) {
        throw new VigieError('MODEL_INVALID', `stored model ${String(row.version)} is unreadable`, {
          context: { version: String(row.version) },
          cause: err,
        });
      }
    },

    async saveModel(record) {
      await store.models.insert([
        {
          version: record.version,
          created_at: record.createdAt,
          params: JSON.stringify(record.params),
          training_summary: JSON.stringify(record.summary),
          model: record.model,
        },
      ]);
      await store.models.flush();
    },

    async flagStates(sellerIds) {
      const states = new Map<string, FlagState>();
      if (sellerIds.length === 0) return states;
      const rows = await executor.query<FlagStateRow>(
        `SELECT f.flag_id AS flag_id, f.seller_id AS seller_id, f.flagged_at AS flagged_at,
                f.updated_at AS updated_at, f.kinds AS kinds, f.severity AS severity,
                f.evidence_listing_ids AS evidence_listing_ids,
                f.evidence_linked_seller_ids AS evidence_linked_seller_ids,
                f.status AS status, r.decision AS review
         FROM (SELECT * FROM flags FINAL WHERE seller_id IN {ids:Array(String)}) AS f
         LEFT JOIN (
           SELECT flag_id, argMax(decision, reviewed_at) AS decision FROM flag_reviews
           WHERE flag_id IN (SELECT flag_id FROM flags WHERE seller_id IN {ids:Array(String)})
           GROUP BY flag_id
         ) AS r ON r.flag_id = f.flag_id
         ORDER BY f.flagged_at, f.updated_at`,
        // Per batch of the pipeline's: not chained behind its bound lookups (QueryOptions).
        { params: { ids: [...sellerIds] }, inlineParams: true },
      );
      for (const row of rows) {
        const state = states.get(row.seller_id) ?? { dismissed: [] as DismissedFlag[] };
        const evidence = {
          listing_ids: row.evidence_listing_ids,
          linked_seller_ids: row.evidence_linked_seller_ids,
        };
        const kinds = row.kinds as DismissedFlag['kinds'];
        // Rows come oldest first: the last one seen is the seller's last flag.
        state.last = {
          kinds,
          severity: row.severity as NonNullable<FlagState['last']>['severity'],
          evidence,
          as_of: parseDateTime64(row.flagged_at),
        };
        const decision = row.review !== '' ? row.review : row.status;
        if (decision === 'dismissed') {
          (state.dismissed as DismissedFlag[]).push({ flag_id: row.flag_id, kinds, evidence });
        }
        states.set(row.seller_id, state);
      }
      return states;
    },

    async saveFlags(flags: readonly SellerFlagged[], updatedAt: number) {
      if (flags.length === 0) return;
      // A re-emitted flag keeps the review status it already has (a confirmed flag stays so).
      const existing = await executor.query<{ flag_id: string; status: string }>(
        `SELECT flag_id, status FROM flags FINAL WHERE flag_id IN {ids:Array(String)}`,
        { params: { ids: flags.map((f) => f.flag_id) }, inlineParams: true },
      );
      const status = new Map(existing.map((r) => [r.flag_id, r.status]));
      await store.flags.insert(
        flags.map((f) => ({
          flag_id: f.flag_id,
          seller_id: f.seller_id,
          flagged_at: Date.parse(f.flagged_at),
          kinds: f.kinds,
          severity: f.severity,
          score: f.score,
          model_version: f.model_version,
          reasons: JSON.stringify(f.reasons),
          evidence_listing_ids: f.evidence.listing_ids,
          evidence_linked_seller_ids: f.evidence.linked_seller_ids,
          status: (status.get(f.flag_id) ?? 'open') as 'open' | 'confirmed' | 'dismissed',
          updated_at: updatedAt,
        })),
      );
      await store.flags.flush();
    },
  };
}
