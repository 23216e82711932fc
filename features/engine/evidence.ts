import { FEATURE_NAMES, type FeatureName } from './feature-names.ts';
import type { FeatureEvidence, FeatureEvidenceItem } from './types.ts';

/** Collects per-feature evidence with bounded, deterministic (most recent first) id lists. */
export class EvidenceSink {
  readonly byFeature: Partial<Record<FeatureName, FeatureEvidenceItem>> = {};
  constructor(private readonly max: number) {}

  /** `items` are [time, id] pairs: ordered by time descending, then id; deduplicated. */
  add(
    name: FeatureName,
    evidence: {
      listings?: Array<[number, string]>;
      sellers?: Array<[number, string]>;
      detail?: string;
    },
  ): void {
    const item: FeatureEvidenceItem = {};
    const listings = this.ids(evidence.listings);
    const sellers = this.ids(evidence.sellers);
    if (listings.length > 0) item.listing_ids = listings;
    if (sellers.length > 0) item.linked_seller_ids = sellers;
    if (evidence.detail !== undefined) item.detail = evidence.detail;
    if (Object.keys(item).length > 0) this.byFeature[name] = item;
  }

  private ids(pairs: Array<[number, string]> | undefined): string[] {
    if (pairs === undefined || pairs.length === 0) return [];
    const sorted = [...pairs].sort((a, b) =>
      b[0] !== a[0] ? b[0] - a[0] : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0,
    );
    const out: string[] = [];
    for (const [, id] of sorted) {
      if (out.length >= this.max) break;
      if (!out.includes(id)) out.push(id);
    }
    return out;
  }

  build(): FeatureEvidence {
    const listing = new Set<string>();
    const sellers = new Set<string>();
    for (const name of FEATURE_NAMES) {
      const item = this.byFeature[name];
      for (const id of item?.listing_ids ?? []) if (listing.size < this.max) listing.add(id);
      for (const id of item?.linked_seller_ids ?? []) if (sellers.size < this.max) sellers.add(id);
    }
    return {
      listing_ids: [...listing],
      linked_seller_ids: [...sellers],
      by_feature: this.byFeature,
    };
  }
}
