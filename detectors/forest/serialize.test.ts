import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { fitForest } from './fit-forest.ts';
import { toMatrix } from './matrix.ts';
import { createRandom } from './random.ts';
import { deserializeForest, forestToJson, serializeForest, type ForestJson } from './serialize.ts';

const rng = createRandom(4);
const matrix = toMatrix(
  Array.from({ length: 400 }, () => [rng.normal(), rng.normal() * 3, rng.float(), rng.normal()]),
);

function expectInvalid(json: unknown, message: RegExp): void {
  let error: unknown;
  try {
    deserializeForest(json);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(VigieError);
  expect((error as VigieError).code).toBe('MODEL_INVALID');
  expect((error as VigieError).message).toMatch(message);
}

describe('serializeForest / deserializeForest', () => {
  for (const extensionLevel of [0, 3]) {
    it(`round-trips to identical scores and explanations (extensionLevel ${extensionLevel})`, () => {
      const forest = fitForest(matrix, {
        seed: 9,
        trees: 25,
        extensionLevel,
        featureNames: ['a', 'b', 'c', 'd'],
      });
      const text = serializeForest(forest);
      const loaded = deserializeForest(text);
      expect(Array.from(loaded.scoreMany(matrix))).toEqual(Array.from(forest.scoreMany(matrix)));
      expect(loaded.explain([4, 0, 0.5, 0])).toEqual(forest.explain([4, 0, 0.5, 0]));
      expect(loaded.featureNames).toEqual(['a', 'b', 'c', 'd']);
      expect(serializeForest(loaded)).toBe(text);
      expect(JSON.parse(text)).toMatchObject({ format: 'vigie.isolation-forest', version: 1 });
    });
  }

  const base = (): ForestJson =>
    structuredClone(forestToJson(fitForest(matrix, { seed: 1, trees: 3 })));

  it('rejects text that is not JSON, another version and a wrong schema', () => {
    expectInvalid('{nope', /not valid JSON/);
    expectInvalid({ ...base(), version: 2 }, /schema/);
    expectInvalid({ ...base(), extra: true }, /schema/);
    expectInvalid({ ...base(), trees: [] }, /schema/);
  });

  it('rejects trees whose structure is broken', () => {
    const outOfRange = base();
    const t0 = outOfRange.trees[0] as ForestJson['trees'][number];
    t0.left[0] = t0.threshold.length + 5;
    expectInvalid(outOfRange, /tree 0: node 0: children/);

    const loop = base();
    const t1 = loop.trees[1] as ForestJson['trees'][number];
    const split = t1.left.findIndex((child, i) => child > 0 && i > 0);
    t1.left[split] = 1; // points back at an earlier node
    expectInvalid(loop, /tree 1: node \d+: children|referenced by/);

    const sizes = base();
    (sizes.trees[2] as ForestJson['trees'][number]).size[1] = 1_000;
    expectInvalid(sizes, /sizes do not add up/);

    const feature = base();
    (feature.trees[0] as ForestJson['trees'][number]).feature[0] = 9;
    expectInvalid(feature, /feature 9 out of range/);
  });

  it('rejects parameters that disagree with the stored trees', () => {
    expectInvalid({ ...base(), params: { ...base().params, trees: 4 } }, /3 trees are stored/);
    expectInvalid({ ...base(), reference: [0, 0] }, /reference has 2 values/);
    expectInvalid({ ...base(), params: { ...base().params, sampleSize: 100 } }, /root size/);
  });
});
