import { z } from 'zod';

/** Options of `fitForest`. Defaults follow Liu et al. (2008) and scikit-learn. */
export const ForestOptionsSchema = z
  .object({
    /** Number of isolation trees. @default 100 */
    trees: z.number().int().min(1).max(10_000).default(100),
    /** Subsample size ψ drawn without replacement for each tree (capped at the row count). @default 256 */
    sampleSize: z.number().int().min(2).max(1_000_000).default(256),
    /** Seed of the PRNG (unsigned 32-bit); the same seed and data give the same model. @default 0 */
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    /**
     * Extended isolation forest (Hariri et al. 2021): each split is a hyperplane over
     * `extensionLevel + 1` features. 0 = classic axis-parallel splits. @default 0
     */
    extensionLevel: z.number().int().min(0).max(1_000).default(0),
    /** Maximum tree depth; default ceil(log2 ψ) as in the paper. */
    maxDepth: z.number().int().min(1).max(64).optional(),
    /** Optional column names, stored in the model so that it describes itself. */
    featureNames: z.array(z.string().min(1)).optional(),
    /** Rows used to measure each feature's attribution on inliers (for explanations). @default 1024 */
    referenceRows: z.number().int().min(16).max(100_000).default(1024),
  })
  .strict();

export type ForestOptions = z.input<typeof ForestOptionsSchema>;
export type ResolvedForestOptions = z.output<typeof ForestOptionsSchema>;
