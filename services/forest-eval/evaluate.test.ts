import { describe, expect, it } from 'vitest';
import { createRandom } from '../../detectors/forest/index.ts';
import { evaluateForest, summarise, type RunResult } from './evaluate.ts';
import type { LabelledDataset } from './load-csv.ts';

/** 300 gaussian inliers and 15 planted anomalies far out on one random feature. */
function planted(): LabelledDataset {
  const rng = createRandom(12);
  const cols = 4;
  const rows = 315;
  const data = new Float64Array(rows * cols);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = rng.normal();
    if (r >= 300) {
      labels[r] = 1;
      data[r * cols + rng.int(cols)] = 6 + rng.float() * 3;
    }
  }
  return { matrix: { rows, cols, data }, labels, featureNames: ['a', 'b', 'c', 'd'] };
}

describe('evaluateForest', () => {
  it('ranks planted anomalies first, for every seed, with and without extended splits', () => {
    const runs: RunResult[] = [];
    const report = evaluateForest(planted(), {
      seeds: 3,
      trees: 50,
      sampleSize: 128,
      onRun: (r) => runs.push(r),
    });
    expect(runs.map((r) => r.seed)).toEqual([0, 1, 2]);
    expect(report).toMatchObject({
      rows: 315,
      features: 4,
      anomalies: 15,
      seeds: 3,
      extended: null,
    });
    expect(report.auc_mean).toBeGreaterThan(0.95);
    expect(report.ap_mean).toBeGreaterThan(0.7);
    const extended = evaluateForest(planted(), {
      seeds: 2,
      trees: 50,
      sampleSize: 128,
      extensionLevel: 3,
    });
    expect(extended.extended).toBe(3);
    expect(extended.auc_mean).toBeGreaterThan(0.95);
  });

  it('adds the ml-isolation-forest baseline when asked', () => {
    const report = evaluateForest(planted(), {
      seeds: 1,
      trees: 20,
      sampleSize: 128,
      baseline: true,
    });
    expect(report.baseline?.auc_mean).toBeGreaterThan(0.9);
  });
});

describe('summarise', () => {
  it('averages runs and uses the sample standard deviation', () => {
    const run = (auc: number): RunResult => ({
      model: 'vigie',
      seed: 0,
      auc,
      ap: auc / 2,
      fitMs: 10,
      scoreMs: 2,
    });
    const s = summarise([run(0.8), run(0.9), run(1)]);
    expect(s.auc_mean).toBeCloseTo(0.9, 12);
    expect(s.auc_sd).toBeCloseTo(0.1, 12);
    expect(s.ap_mean).toBeCloseTo(0.45, 12);
    expect(s.fit_ms).toBe(10);
    expect(summarise([run(0.7)]).auc_sd).toBe(0);
  });
});
