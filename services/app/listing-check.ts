import { normaliseText } from '../../features/text/index.ts';
import type { ClickHouseExecutor } from '../../features/store/index.ts';
import type { CheckRequest, CheckResponse } from '../api/index.ts';
import type { TakedownIndex, TakedownMatch } from './takedown-index.ts';

/**
 * Thresholds of the recommended action (docs/api.md, "Pre-publication check"). Similarities are
 * estimated Jaccard of the de-obfuscated texts (word uni+bigrams, 128-hash MinHash, standard
 * error ≈ 0.035 around 0.8).
 */
export const CHECK_THRESHOLDS = {
  /** Text this close to a taken-down listing: hold. Obfuscated re-lists score ≈ 1. */
  holdSimilarity: 0.8,
  /** Text this close: review. Honest neighbours differing in a model number sit near 0.6–0.67. */
  reviewSimilarity: 0.6,
  /** Listed in `nearest_taken_down` from this similarity. */
  reportSimilarity: 0.5,
  /** Nearest taken-down listings returned. */
  nearestLimit: 5,
  /** Obfuscated wording in the draft itself (0..1; honest text scores 0): review. */
  reviewObfuscation: 0.1,
} as const;

type Severity = NonNullable<CheckResponse['seller']['severity']>;

export interface SellerRisk {
  score: number | null;
  severity: Severity | null;
  kinds: CheckResponse['seller']['kinds'];
  linkedTerminated: number;
  linkedSanctioned: number;
}

/**
 * The seller's current risk in one round trip: the latest flag not dismissed by a reviewer, and
 * the ban-evasion features of the latest snapshot.
 */
async function sellerRisk(executor: ClickHouseExecutor, sellerId: string): Promise<SellerRisk> {
  const rows = await executor.query<{
    src: string;
    severity: string;
    kinds: string[];
    score: number;
    terminated: number;
    sanctioned: number;
  }>(
    // Aggregates rather than the FINAL views: the same latest versions, at half the cost on
    // this hot path (measured with services/app/check-latency.ts).
    `SELECT * FROM (
       SELECT 'flag' AS src, severity, kinds, score, 0 AS terminated, 0 AS sanctioned FROM (
         SELECT argMax(severity, updated_at) AS severity, argMax(kinds, updated_at) AS kinds,
                argMax(score, updated_at) AS score, argMax(status, updated_at) AS status,
                max(flagged_at) AS at
         FROM flags WHERE seller_id = {id:String} GROUP BY flag_id)
       WHERE status != 'dismissed' ORDER BY at DESC LIMIT 1)
     UNION ALL
     SELECT 'features' AS src, '' AS severity, [] AS kinds, 0 AS score,
            argMax(linked_terminated_sellers, (as_of, computed_at)) AS terminated,
            argMax(linked_sanctioned_sellers, (as_of, computed_at)) AS sanctioned
     FROM seller_features_current WHERE seller_id = {id:String} HAVING count() > 0`,
    { params: { id: sellerId } },
  );
  const flag = rows.find((r) => r.src === 'flag');
  const features = rows.find((r) => r.src === 'features');
  return {
    score: flag ? Number(flag.score) : null,
    severity: flag ? (flag.severity as Severity) : null,
    kinds: (flag?.kinds ?? []) as SellerRisk['kinds'],
    linkedTerminated: Number(features?.terminated ?? 0),
    linkedSanctioned: Number(features?.sanctioned ?? 0),
  };
}

const pct = (x: number): string => x.toFixed(2);

/** The action and its reasons from the seller's risk and the draft's matches. Pure. */
export function decideAction(
  risk: SellerRisk,
  matches: readonly TakedownMatch[],
  obfuscation: number,
): { action: CheckResponse['action']; reasons: string[] } {
  const t = CHECK_THRESHOLDS;
  const hold: string[] = [];
  const review: string[] = [];
  for (const m of matches) {
    const what = `taken-down listing ${m.listingId}`;
    if (m.via === 'image' && m.distance === 0) hold.push(`an image is identical to one of ${what}`);
    else if (m.via === 'image') review.push(`an image is a near copy of one of ${what}`);
    else if (m.similarity >= t.holdSimilarity) {
      hold.push(`text matches ${what} (similarity ${pct(m.similarity)})`);
    } else if (m.similarity >= t.reviewSimilarity) {
      review.push(`text resembles ${what} (similarity ${pct(m.similarity)})`);
    }
  }
  if (risk.severity === 'critical') hold.push('seller has a critical flag');
  else if (risk.severity === 'high' || risk.severity === 'medium') {
    review.push(`seller has a ${risk.severity} flag (${risk.kinds.join(', ')})`);
  }
  if (risk.linkedTerminated > 0) {
    hold.push(`seller shares identifiers with ${risk.linkedTerminated} terminated seller(s)`);
  } else if (risk.linkedSanctioned > 0) {
    review.push(`seller shares identifiers with ${risk.linkedSanctioned} sanctioned seller(s)`);
  }
  if (obfuscation >= t.reviewObfuscation) {
    review.push(`wording is obfuscated (score ${pct(obfuscation)})`);
  }
  if (hold.length > 0) return { action: 'hold', reasons: [...hold, ...review] };
  if (review.length > 0) return { action: 'review', reasons: review };
  return { action: 'allow', reasons: [] };
}

/**
 * Before publication: the seller's risk from the store (one indexed read) and the draft compared
 * in memory with every taken-down listing (text after de-obfuscation, images by Hamming distance).
 */
export async function checkListing(
  executor: ClickHouseExecutor,
  index: TakedownIndex,
  request: CheckRequest,
): Promise<CheckResponse> {
  const started = performance.now();
  const { listing } = request;
  const norm = normaliseText(`${listing.title}\n${listing.description}`);
  const signature = index.hasher.signature(norm);
  const matches = index.match(signature, listing.image_hashes ?? [], {
    minSimilarity: CHECK_THRESHOLDS.reportSimilarity,
    limit: CHECK_THRESHOLDS.nearestLimit,
  });
  const risk = await sellerRisk(executor, request.seller_id);
  const { action, reasons } = decideAction(risk, matches, norm.obfuscation);
  return {
    action,
    seller: { score: risk.score, severity: risk.severity, kinds: risk.kinds },
    listing: {
      obfuscation: norm.obfuscation,
      nearest_taken_down: matches.map((m) => ({
        listing_id: m.listingId,
        seller_id: m.sellerId,
        similarity: Math.round(m.similarity * 1000) / 1000,
        via: m.via,
      })),
    },
    reasons,
    elapsed_ms: Math.round((performance.now() - started) * 1000) / 1000,
  };
}
