import { createHash } from 'node:crypto';
import { z } from 'zod';
import { VigieError } from '../../streams/errors.ts';
import {
  applyPreparation,
  deserializeForest,
  fitForest,
  fitPreparation,
  forestToJson,
  parsePreparation,
  prepareRow,
  toMatrix,
  type Forest,
  type Preparation,
} from '../forest/index.ts';
import { FEATURE_NAMES, type FeatureName } from '../rules/index.ts';
import type { DetectorModel, ModelParams, ModelRecord, TrainingSummary } from './model-types.ts';
import { summarisePopulation } from './population.ts';
import { calibrateThreshold, quantileSorted } from './threshold.ts';

export interface TrainModelOptions {
  seed: number;
  /** Wall-clock time of training; only goes into the version string and `createdAt`. */
  trainedAt: Date;
  /** @default 200 */
  trees?: number;
  /** ψ. @default 256 */
  sampleSize?: number;
  /** 0 = axis-parallel splits. @default 0 */
  extensionLevel?: number;
  /** Expected share of anomalies in the training population. @default 0.01 */
  contamination?: number;
  /** The forest's columns. @default every feature, in FEATURE_NAMES order */
  features?: readonly FeatureName[];
}

/** The stored model text: the fitted preparation and the forest, both versioned JSON. */
const StoredModelSchema = z.object({
  format: z.literal('vigie.detector-model'),
  version: z.literal(1),
  preparation: z.unknown(),
  forest: z.unknown(),
});

function compact(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 12);
}

/** `if-<yyyymmddhhmm>-<seed>-<first 8 hex of SHA-256 of the model text>`. */
export function modelVersion(trainedAt: Date, seed: number, modelText: string): string {
  const hash = createHash('sha256').update(modelText).digest('hex').slice(0, 8);
  return `if-${compact(trainedAt)}-${seed}-${hash}`;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

function wrap(record: ModelRecord, forest: Forest, preparation: Preparation): DetectorModel {
  const features = record.params.features;
  const threshold = record.summary.threshold;
  const population = record.summary.population;
  return {
    version: record.version,
    params: record.params,
    summary: record.summary,
    verdict(values, options) {
      const raw = features.map((f) => values[f]);
      const prepared = prepareRow(preparation, raw);
      const explain = options?.explain ?? true;
      return {
        score: forest.score(prepared),
        threshold,
        modelVersion: record.version,
        population,
        contributions: explain
          ? forest.explain(prepared).map((c) => ({
              feature: features[c.feature] ?? `#${c.feature}`,
              contribution: c.contribution,
            }))
          : [],
      };
    },
  };
}

/**
 * Fits the detector on a feature population: preparation (detectors/forest/prepare.ts), an
 * isolation forest, the anomaly threshold at the (1 − contamination) quantile of the training
 * scores, and a per-feature summary for percentiles. Pure and reproducible: the same rows (in
 * the same order), options and seed give the same model text and the same version hash.
 */
export function trainDetectorModel(
  rows: ReadonlyArray<Readonly<Record<string, number>>>,
  options: TrainModelOptions,
): { model: DetectorModel; record: ModelRecord } {
  const features = [...(options.features ?? FEATURE_NAMES)];
  const params: ModelParams = {
    algorithm: 'isolation-forest',
    trees: options.trees ?? 200,
    sampleSize: options.sampleSize ?? 256,
    seed: options.seed,
    extensionLevel: options.extensionLevel ?? 0,
    contamination: options.contamination ?? 0.01,
    features,
  };
  if (rows.length < 2) {
    throw new VigieError('BAD_REQUEST', `training needs at least 2 sellers, got ${rows.length}`);
  }
  const raw = toMatrix(rows.map((r) => features.map((f) => r[f] ?? Number.NaN)));
  const preparation = fitPreparation(raw, {
    scaling: params.extensionLevel > 0 ? 'robust' : 'none',
  });
  const prepared = applyPreparation(preparation, raw);
  const forest = fitForest(prepared, {
    trees: params.trees,
    sampleSize: params.sampleSize,
    seed: params.seed,
    extensionLevel: params.extensionLevel,
    featureNames: features,
  });
  const scores = forest.scoreMany(prepared);
  const threshold = calibrateThreshold(scores, params.contamination);
  const sorted = Float64Array.from(scores).sort();
  const summary: TrainingSummary = {
    rows: rows.length,
    threshold,
    scores: {
      p50: round(quantileSorted(sorted, 0.5)),
      p90: round(quantileSorted(sorted, 0.9)),
      p99: round(quantileSorted(sorted, 0.99)),
      max: round(sorted[sorted.length - 1]!),
    },
    population: summarisePopulation(rows, features),
  };
  const model = JSON.stringify({
    format: 'vigie.detector-model',
    version: 1,
    preparation,
    forest: forestToJson(forest),
  });
  const record: ModelRecord = {
    version: modelVersion(options.trainedAt, params.seed, model),
    createdAt: options.trainedAt.getTime(),
    params,
    summary,
    model,
  };
  return { model: wrap(record, forest, preparation), record };
}

/** Loads a stored model; anything inconsistent is MODEL_INVALID. */
export function loadDetectorModel(record: ModelRecord): DetectorModel {
  let json: unknown;
  try {
    json = JSON.parse(record.model);
  } catch (err) {
    throw new VigieError('MODEL_INVALID', `model ${record.version} is not valid JSON`, {
      cause: err,
    });
  }
  const parsed = StoredModelSchema.safeParse(json);
  if (!parsed.success) {
    throw new VigieError('MODEL_INVALID', `model ${record.version} is not a Vigie detector model`);
  }
  const forest = deserializeForest(parsed.data.forest);
  const preparation = parsePreparation(parsed.data.preparation);
  if (forest.nFeatures !== record.params.features.length) {
    throw new VigieError(
      'MODEL_INVALID',
      `model ${record.version}: forest has ${forest.nFeatures} columns, params name ${record.params.features.length}`,
    );
  }
  return wrap(record, forest, preparation);
}
