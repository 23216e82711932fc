import type {
  FeatureName,
  FlagState,
  ModelRecord,
  SellerFeatureSet,
} from '../../detectors/index.ts';
import type { SellerFlagged } from '../../streams/contract/index.ts';

/** One seller's latest features, with the event time they describe. */
export interface SellerFeatureRecord {
  sellerId: string;
  /** Event time (ms) of the snapshot: only events with occurred_at ≤ asOf are in it. */
  asOf: number;
  features: SellerFeatureSet;
}

/**
 * What the detector loop needs from the store (features/store implements the tables; the adapter
 * in clickhouse-detector-store.ts maps them). Writes are idempotent by key.
 */
export interface DetectorStore {
  /** Latest features of these sellers; unknown sellers are left out. */
  latestFeatures(sellerIds: readonly string[]): Promise<SellerFeatureRecord[]>;
  /** Every seller's latest features, page by page (training and rescoring). */
  featurePages(pageSize: number): AsyncIterable<SellerFeatureRecord[]>;
  /**
   * Only the values, for training: at most `maxRows` sellers, a deterministic sample (the same
   * population gives the same rows in the same order, so a training is reproducible).
   */
  featureValues(
    names: readonly FeatureName[],
    maxRows: number,
  ): Promise<Array<Record<FeatureName, number>>>;
  latestModel(): Promise<ModelRecord | undefined>;
  saveModel(record: ModelRecord): Promise<void>;
  /** Per seller: the last emitted flag and the dismissed ones (from flags and flag_reviews). */
  flagStates(sellerIds: readonly string[]): Promise<Map<string, FlagState>>;
  /** Records emitted flags as open (`updatedAt`: wall clock, ms). */
  saveFlags(flags: readonly SellerFlagged[], updatedAt: number): Promise<void>;
}
