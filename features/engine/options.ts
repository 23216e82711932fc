import { z } from 'zod';
import { VigieError } from '../../streams/errors.ts';
import {
  DEFAULT_BANDS,
  DEFAULT_MINHASH_SEED,
  DEFAULT_NUM_HASHES,
  OBFUSCATION_THRESHOLD,
  PDQ_NEAR_DISTANCE,
  RELIST_SIMILARITY_THRESHOLD,
} from '../text/index.ts';
import { DEFAULT_CODED_TERMS } from './coded-terms.ts';

const Days = z.number().positive().max(3650);
const Count = z.number().int().min(1).max(1_000_000);
const Unit = z.number().min(0).max(1);

/**
 * Tuning of the feature engine. Every default is documented in docs/features.md; retention and
 * caps bound the memory per seller, windows define the features.
 */
export const FeatureEngineConfigSchema = z
  .object({
    /** MinHash signature length (with `bands`, decides the LSH candidate curve). Default 128. */
    numHashes: z.number().int().min(16).max(1024).default(DEFAULT_NUM_HASHES),
    /** LSH bands; must divide `numHashes`. Default 32 (4 rows: candidates from ≈0.42). */
    bands: z.number().int().min(1).max(1024).default(DEFAULT_BANDS),
    /** MinHash seed; must be the same on every instance and in the store. */
    minhashSeed: z.number().int().min(0).max(0xffffffff).default(DEFAULT_MINHASH_SEED),
    /** Estimated Jaccard similarity from which a new listing re-lists a taken-down one. Default 0.75. */
    relistThreshold: Unit.default(RELIST_SIMILARITY_THRESHOLD),
    /** Lowest similarity recorded as a candidate (feeds `relist_best_similarity`). Default 0.5. */
    candidateSimilarity: Unit.default(0.5),
    /** Largest takedown → publication gap for `relists_any_7d` and cross-seller image reuse. Default 7. */
    relistAnyWindowDays: Days.default(7),
    /** Takedowns (with their listing's signature and images) kept per seller. Default 90 days / 64. */
    takedownRetentionDays: Days.default(90),
    maxTakedowns: Count.default(64),
    /** Listing records kept per seller (wording, price, drift). Default 14 days / 256. */
    listingRetentionDays: Days.default(14),
    maxListings: Count.default(256),
    /**
     * A published listing's signature and image hashes are kept in memory this long: far more
     * than the contract's lateness (minutes), and a cache for takedowns and edits soon after
     * publication; older ones come from the store through `fingerprintsOf`. Default 1 day.
     */
    signatureDays: Days.default(1),
    /**
     * A takedown or an edit uses its listing's published content (signature, image hashes) up
     * to this long after the publication, from memory or the store alike, decided by the two
     * events' times: the same features whatever the calls' boundaries and the cross-seller mode.
     * Default 14 days (the in-memory index keeps fingerprints a day longer).
     */
    publishedContentDays: Days.default(14),
    /** Edits and seller deletions are kept this long, then folded into counters. Default 7 days / 64. */
    activityRetentionDays: Days.default(7),
    maxEdits: Count.default(64),
    maxDeletions: Count.default(32),
    /** Notices kept per seller (for the deletion and edit windows). Default 90 days / 64. */
    noticeRetentionDays: Days.default(90),
    maxNotices: Count.default(64),
    /** Re-listing / image-reuse matches kept per seller. Default 64 (90 days). */
    maxMatches: Count.default(64),
    /** Linked sanctioned sellers kept per seller. Default 64. */
    maxLinks: Count.default(64),
    /** Obfuscation score from which a listing counts as obfuscated. Default 0.02. */
    obfuscationThreshold: Unit.default(OBFUSCATION_THRESHOLD),
    /** Edits with a text change ratio below this count as low-change. Default 0.2. */
    lowChangeRatio: Unit.default(0.2),
    /** An edit counts as made after a notice within this many days of it. Default 7. */
    lowChangeWindowDays: Days.default(7),
    /** A seller deletion counts as following a notice within this many hours of it. Default 48. */
    deletionWindowHours: z
      .number()
      .positive()
      .max(24 * 365)
      .default(48),
    /** Beta prior of the smoothed takedown rate: (takedowns + alpha) / (listings + alpha + beta). */
    takedownRatePrior: z
      .object({ alpha: z.number().positive(), beta: z.number().positive() })
      .default({ alpha: 1, beta: 49 }),
    /** `days_since_last_takedown` when there is none, and its cap. Default 365. */
    daysSinceCap: z.number().positive().max(36500).default(365),
    /** Window of the wording and price features (obfuscation, coded terms, price). Default 14 days. */
    recentDays: Days.default(14),
    /** Recent window of the wording drift (vs all earlier listings). Default 7 days. */
    driftRecentDays: Days.default(7),
    /** Fewest recent / earlier listings for a drift value (else 0). Defaults 2 and 3. */
    driftMinRecent: Count.default(2),
    driftMinHistory: Count.default(3),
    /** Near image: Hamming distance ≤ this share of the hash bits (PDQ: 31 of 256). */
    imageNearFraction: Unit.default(PDQ_NEAR_DISTANCE / 256),
    /** Coded-vocabulary lexicon (phrases, any language; normalised like listing text). */
    codedTerms: z
      .array(z.string().min(1).max(200))
      .max(10_000)
      .default([...DEFAULT_CODED_TERMS]),
    /** Fewest listings in a category (and currency) for its median price to be used. Default 5. */
    minCategoryListings: Count.default(5),
    /** Distinct (currency, category) price histograms; beyond, new ones share one per currency. */
    maxCategories: Count.default(20_000),
    /** Ids per evidence list. Default 20. */
    maxEvidence: Count.default(20),
  })
  .strict()
  .refine((o) => o.numHashes % o.bands === 0, {
    message: 'bands must divide numHashes',
    path: ['bands'],
  })
  .refine((o) => o.signatureDays <= o.listingRetentionDays, {
    message: 'signatureDays must not exceed listingRetentionDays',
    path: ['signatureDays'],
  })
  .refine(
    (o) => o.recentDays <= o.listingRetentionDays && o.driftRecentDays < o.listingRetentionDays,
    {
      message: 'recentDays and driftRecentDays must fit in listingRetentionDays',
      path: ['recentDays'],
    },
  )
  .refine((o) => o.candidateSimilarity <= o.relistThreshold, {
    message: 'candidateSimilarity must not exceed relistThreshold',
    path: ['candidateSimilarity'],
  });

export type FeatureEngineConfigInput = z.input<typeof FeatureEngineConfigSchema>;
export type FeatureEngineConfig = z.infer<typeof FeatureEngineConfigSchema>;

export function resolveConfig(input: FeatureEngineConfigInput = {}): FeatureEngineConfig {
  const parsed = FeatureEngineConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new VigieError(
      'INVALID_CONFIG',
      `invalid feature engine options: ${z.prettifyError(parsed.error)}`,
      { context: { fields: parsed.error.issues.map((i) => i.path.join('.')) } },
    );
  }
  return parsed.data;
}
