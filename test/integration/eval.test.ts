import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../detectors/index.ts';
import { createExecutor } from '../../features/store/index.ts';
import { SellerFlaggedSchema, type SellerFlagged } from '../../streams/contract/index.ts';
import { loadDetectorConfig } from '../../services/detector/index.ts';
import {
  checkTargets,
  runMarketplace,
  scoreFlags,
  type MarketplaceRun,
} from '../../services/eval/index.ts';
import { SimulationTruthSchema, type SimulationTruth } from '../../services/simulator/index.ts';

/**
 * A small evaluation (600 sellers × 20 days) through the real pipeline, feature engine, chDB
 * store and detector loop. It checks the metrics against an independent recount from the files
 * the run leaves (flags NDJSON, truth JSON) and the store's `flags` table, and holds precision
 * and recall above a floor.
 *
 * Why a floor of 0.9 and not issue 7's 0.95: here there are ~110 positives and ~500 negatives,
 * so one false positive or one miss moves precision or recall by about 0.01, and the full
 * targets are for the default 4,000-seller run (`npm run eval`). 0.9 still fails the policy
 * as it was before tuning: on this very run it gave precision 0.84 and recall 0.93 (19 of the 30
 * large professionals flagged for shop-sized takedown counts and stock wording); the tuned
 * policy gives 1.00 and 0.98 (docs/evaluation.md).
 */
const SELLERS = 600;
const DAYS = 20;
const SEED = 'eval-test';
const FLOOR = 0.9;
const logger = pino({ level: 'silent' });

const POSITIVE = new Set(['recidivist', 'evader', 'ban_evader']);
const NEGATIVE = new Set(['ordinary', 'honest_unlucky', 'large_professional']);

describe('vigie eval on a small simulated marketplace (real pipeline, store and detectors)', () => {
  let workDir: string;
  let run: MarketplaceRun;
  let fileFlags: SellerFlagged[];
  let fileTruth: SimulationTruth;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'vigie-eval-test-'));
    run = await runMarketplace({
      sellers: SELLERS,
      days: DAYS,
      seed: SEED,
      workDir,
      // Defaults only: the test must not depend on the caller's environment.
      detector: loadDetectorConfig({}),
      policy: defaultPolicy(),
      logger,
    });
    const text = await readFile(run.files.flags, 'utf8');
    fileFlags = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => SellerFlaggedSchema.parse(JSON.parse(l)));
    fileTruth = SimulationTruthSchema.parse(JSON.parse(await readFile(run.files.truth, 'utf8')));
  }, 120_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('replayed the whole stream: every valid event accepted once, the malformed lines rejected', () => {
    expect(run.replay.accepted).toBe(run.simulation.events);
    expect(run.replay.rejected).toBe(run.simulation.malformed);
    expect(run.replay.accepted + run.replay.duplicates + run.replay.rejected).toBe(
      run.simulation.lines,
    );
    expect(run.detector.trainings).toBeGreaterThan(1);
    expect(run.detector.model_version).toMatch(/^if-/);
  });

  it('the flags file, the flags table and the in-memory flags agree', async () => {
    expect(fileFlags.map((f) => f.flag_id)).toEqual(run.flags.map((f) => f.flag_id));
    expect(fileFlags.length).toBeGreaterThan(0);
    const executor = await createExecutor({
      dataDir: run.files.dataDir,
      database: loadDetectorConfig({}).CLICKHOUSE_DATABASE,
    });
    try {
      const rows = await executor.query<{ flag_id: string }>(
        'SELECT DISTINCT flag_id FROM flags FINAL ORDER BY flag_id',
      );
      expect(rows.map((r) => r.flag_id)).toEqual(
        [...new Set(fileFlags.map((f) => f.flag_id))].sort(),
      );
    } finally {
      await executor.close();
    }
  });

  it('precision, recall and false-positive rates match an independent recount', () => {
    // Recount from the files alone, with none of services/eval's code.
    const flagged = new Map<string, Set<string>>();
    for (const f of fileFlags) {
      const kinds = flagged.get(f.seller_id) ?? new Set<string>();
      for (const k of f.kinds) kinds.add(k);
      flagged.set(f.seller_id, kinds);
    }
    let tp = 0;
    let fp = 0;
    let positives = 0;
    const perClass = new Map<string, { n: number; flagged: number }>();
    for (const [id, s] of Object.entries(fileTruth.sellers)) {
      const c = perClass.get(s.class) ?? { n: 0, flagged: 0 };
      c.n++;
      if (flagged.has(id)) c.flagged++;
      perClass.set(s.class, c);
      if (POSITIVE.has(s.class)) {
        positives++;
        if (flagged.has(id)) tp++;
      } else if (NEGATIVE.has(s.class) && flagged.has(id)) {
        fp++;
      }
    }
    for (const id of flagged.keys()) expect(fileTruth.sellers[id]).toBeDefined();

    const m = scoreFlags(fileTruth, fileFlags);
    expect(m.overall.true_positives).toBe(tp);
    expect(m.overall.false_positives).toBe(fp);
    expect(m.overall.positives).toBe(positives);
    expect(m.overall.precision).toBeCloseTo(tp / (tp + fp), 12);
    expect(m.overall.recall).toBeCloseTo(tp / positives, 12);
    for (const [cls, c] of perClass) {
      const metrics = m.classes[cls as keyof typeof m.classes];
      expect(metrics.sellers).toBe(c.n);
      expect(metrics.flagged_share).toBeCloseTo(c.flagged / c.n, 12);
    }
    const evaders = Object.entries(fileTruth.sellers).filter(([, s]) => s.class === 'evader');
    const evasive = evaders.filter(([id]) => flagged.get(id)?.has('evasive')).length;
    expect(m.classes.evader.right_kind_share).toBeCloseTo(evasive / evaders.length, 12);
  });

  it('drifters flagged before their first takedown are counted from flagged_at (event time)', () => {
    const firstFlag = new Map<string, number>();
    for (const f of fileFlags) {
      const at = Date.parse(f.flagged_at);
      firstFlag.set(f.seller_id, Math.min(at, firstFlag.get(f.seller_id) ?? Infinity));
    }
    const drifters = Object.entries(fileTruth.sellers).filter(([, s]) => s.class === 'drifter');
    const before = drifters.filter(([id, s]) => {
      const at = firstFlag.get(id);
      if (at === undefined) return false;
      return s.first_takedown_at ? at < Date.parse(s.first_takedown_at) : true;
    }).length;
    const m = scoreFlags(fileTruth, fileFlags);
    expect(m.drifters.sellers).toBe(drifters.length);
    expect(m.drifters.flagged_before_takedown).toBe(before);
  });

  it(`reaches precision and recall of at least ${FLOOR} on recidivists, evaders and ban evaders`, () => {
    const m = scoreFlags(fileTruth, fileFlags);
    expect(m.overall.positives).toBeGreaterThan(80);
    expect(m.overall.precision).toBeGreaterThanOrEqual(FLOOR);
    expect(m.overall.recall).toBeGreaterThanOrEqual(FLOOR);
    const targets = new Map(checkTargets(m).map((t) => [t.id, t]));
    expect(targets.get('evaders_evasive')!.met).toBe(true);
    expect(targets.get('ban_evaders_ban_evasion')!.met).toBe(true);
  });
});
