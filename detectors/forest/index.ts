export { fitForest } from './fit-forest.ts';
export { createForest, type Forest, type ForestParams, type ForestParts } from './forest.ts';
export { ForestOptionsSchema, type ForestOptions } from './options.ts';
export {
  deserializeForest,
  serializeForest,
  forestToJson,
  ForestJsonSchema,
  FOREST_FORMAT,
  FOREST_VERSION,
  type ForestJson,
} from './serialize.ts';
export type { FeatureContribution } from './explain.ts';
export { describeRow, type DescribeOptions, type FeatureReason } from './describe.ts';
export { createPopulation, percentileOf, type Population } from './population.ts';
export {
  applyPreparation,
  fitPreparation,
  inferTransforms,
  parsePreparation,
  prepareRow,
  PreparationSchema,
  TransformSchema,
  type Preparation,
  type PreparationOptions,
  type Transform,
} from './prepare.ts';
export { toMatrix, type Matrix } from './matrix.ts';
export { averagePathLength } from './path-length.ts';
export { createRandom, type Random } from './random.ts';
