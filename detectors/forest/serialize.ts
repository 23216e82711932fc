import { z } from 'zod';
import { VigieError } from '../../streams/errors.ts';
import { createForest, type Forest } from './forest.ts';
import type { TreeArrays } from './tree.ts';
import { checkTree } from './validate-tree.ts';

export const FOREST_FORMAT = 'vigie.isolation-forest';
export const FOREST_VERSION = 1;

const TreeJsonSchema = z
  .object({
    /** `nodes × (extensionLevel + 1)` feature indices; -1 marks a leaf (slot 0) or an unused slot. */
    feature: z.array(z.number().int().min(-1)),
    /** Hyperplane coefficients, same length as `feature`; only for extended forests. */
    coef: z.array(z.number()).optional(),
    threshold: z.array(z.number()),
    /** Left child index, -1 on leaves; the right child is left + 1. */
    left: z.array(z.number().int().min(-1)),
    size: z.array(z.number().int().min(1)),
  })
  .strict();

/** A fitted forest as JSON: everything needed to score and explain, nothing from the training rows. */
export const ForestJsonSchema = z
  .object({
    format: z.literal(FOREST_FORMAT),
    version: z.literal(FOREST_VERSION),
    nFeatures: z.number().int().min(1),
    featureNames: z.array(z.string().min(1)).nullable(),
    params: z
      .object({
        trees: z.number().int().min(1),
        sampleSize: z.number().int().min(1),
        maxDepth: z.number().int().min(1).max(64),
        extensionLevel: z.number().int().min(0),
        seed: z.number().int().min(0).max(0xffffffff),
        trainingRows: z.number().int().min(1),
      })
      .strict(),
    reference: z.array(z.number().min(0)),
    trees: z.array(TreeJsonSchema).min(1),
  })
  .strict();

export type ForestJson = z.infer<typeof ForestJsonSchema>;

export function forestToJson(forest: Forest): ForestJson {
  return {
    format: FOREST_FORMAT,
    version: FOREST_VERSION,
    nFeatures: forest.nFeatures,
    featureNames: forest.featureNames === null ? null : [...forest.featureNames],
    params: { ...forest.params },
    reference: Array.from(forest.reference),
    trees: forest.trees.map((tree) => ({
      feature: Array.from(tree.feature),
      ...(tree.coef === null ? {} : { coef: Array.from(tree.coef) }),
      threshold: Array.from(tree.threshold),
      left: Array.from(tree.left),
      size: Array.from(tree.size),
    })),
  };
}

/** JSON text of a forest; `deserializeForest(serializeForest(f))` scores exactly as `f`. */
export function serializeForest(forest: Forest): string {
  return JSON.stringify(forestToJson(forest));
}

/**
 * Loads a forest from JSON text or a parsed object, validating the schema and every tree's
 * structure (children in range and acyclic, sizes adding up, depth within bounds); anything
 * wrong is a MODEL_INVALID error, never a half-working model.
 */
export function deserializeForest(input: string | unknown): Forest {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new VigieError('MODEL_INVALID', 'forest model is not valid JSON', { cause: err });
    }
  }
  const parsed = ForestJsonSchema.safeParse(value);
  if (!parsed.success) {
    throw new VigieError(
      'MODEL_INVALID',
      `forest model does not match its schema: ${z.prettifyError(parsed.error)}`,
      {
        context: { issues: parsed.error.issues.slice(0, 10).map((i) => i.path.join('.')) },
      },
    );
  }
  const json = parsed.data;
  const { nFeatures, params } = json;
  const invalid = (reason: string, context: Record<string, unknown> = {}): VigieError =>
    new VigieError('MODEL_INVALID', `forest model is inconsistent: ${reason}`, { context });

  if (params.trees !== json.trees.length) {
    throw invalid(`params.trees is ${params.trees} but ${json.trees.length} trees are stored`);
  }
  if (params.extensionLevel > nFeatures - 1) {
    throw invalid(
      `extensionLevel ${params.extensionLevel} exceeds nFeatures - 1 (${nFeatures - 1})`,
    );
  }
  if (json.reference.length !== nFeatures) {
    throw invalid(`reference has ${json.reference.length} values, expected ${nFeatures}`);
  }
  if (json.featureNames !== null && json.featureNames.length !== nFeatures) {
    throw invalid(`featureNames has ${json.featureNames.length} names, expected ${nFeatures}`);
  }
  const terms = params.extensionLevel + 1;
  const trees: TreeArrays[] = json.trees.map((tree, t) => {
    const arrays: TreeArrays = {
      feature: Int32Array.from(tree.feature),
      coef: tree.coef === undefined ? null : Float64Array.from(tree.coef),
      threshold: Float64Array.from(tree.threshold),
      left: Int32Array.from(tree.left),
      size: Int32Array.from(tree.size),
    };
    const problem = checkTree(arrays, {
      terms,
      nFeatures,
      maxDepth: params.maxDepth,
      sampleSize: params.sampleSize,
    });
    if (problem !== null) throw invalid(`tree ${t}: ${problem}`, { tree: t });
    return arrays;
  });

  return createForest({
    nFeatures,
    featureNames: json.featureNames,
    params,
    trees,
    reference: Float64Array.from(json.reference),
  });
}
