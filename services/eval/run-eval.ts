import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Policy } from '../../detectors/index.ts';
import type { DetectorEnv } from '../detector/index.ts';
import type { Logger } from '../shared/logger.ts';
import { evaluateDatasets } from './datasets.ts';
import { runMarketplace, type MarketplaceRun, type RunProgress } from './marketplace-run.ts';
import { NEGATIVE_CLASSES, POSITIVE_CLASSES, scoreFlags } from './marketplace-metrics.ts';
import type { EvalReport, MarketplaceReport, MisjudgedSeller } from './report-types.ts';
import { checkTargets } from './targets.ts';

export interface EvalOptions {
  /** Simulated marketplace; null = skip it (data sets only). */
  marketplace: {
    sellers: number;
    days: number;
    seed: number | string;
    /** Event-time training interval, hours; 0 = final pass only. */
    trainEveryH: number;
    /** Keep the work directory (stream, flags, store) here; default: a temporary one, removed. */
    keepDir?: string;
  } | null;
  /** Folder of labelled CSVs with the reference README; null = skip. */
  datasetsDir: string | null;
  forestSeeds: number;
  detector: DetectorEnv;
  /** The policy, where it came from, and its document as canonical JSON (hashed in the report). */
  policy: { policy: Policy; source: string; text: string };
  logger: Logger;
  onProgress?: (p: RunProgress) => void;
  onDataset?: (file: string) => void;
}

const MAX_LISTED = 50;

function misjudged(run: MarketplaceRun): { fp: MisjudgedSeller[]; missed: MisjudgedSeller[] } {
  const kinds = new Map<string, Set<string>>();
  for (const f of run.flags) {
    const set = kinds.get(f.seller_id) ?? new Set<string>();
    for (const k of f.kinds) set.add(k);
    kinds.set(f.seller_id, set);
  }
  const negative: ReadonlySet<string> = new Set(NEGATIVE_CLASSES);
  const positive: ReadonlySet<string> = new Set(POSITIVE_CLASSES);
  const fp: MisjudgedSeller[] = [];
  const missed: MisjudgedSeller[] = [];
  for (const [id, s] of Object.entries(run.truth.sellers).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const k = kinds.get(id);
    if (k !== undefined && negative.has(s.class) && fp.length < MAX_LISTED) {
      fp.push({ seller_id: id, class: s.class, kinds: [...k].sort() });
    } else if (k === undefined && positive.has(s.class) && missed.length < MAX_LISTED) {
      missed.push({ seller_id: id, class: s.class, kinds: [] });
    }
  }
  return { fp, missed };
}

function emittedBeforeTakedown(run: MarketplaceRun): number {
  const firstEmitted = new Map<string, number>();
  run.flags.forEach((f, i) => {
    const at = run.emittedAt[i]!;
    if (!(at >= (firstEmitted.get(f.seller_id) ?? Infinity))) firstEmitted.set(f.seller_id, at);
  });
  let drifters = 0;
  let before = 0;
  for (const [id, s] of Object.entries(run.truth.sellers)) {
    if (s.class !== 'drifter') continue;
    drifters++;
    const at = firstEmitted.get(id);
    if (at === undefined) continue;
    const takedown = s.first_takedown_at ? Date.parse(s.first_takedown_at) : Infinity;
    if (at < takedown) before++;
  }
  return drifters === 0 ? 0 : before / drifters;
}

async function marketplaceReport(
  options: EvalOptions,
  m: NonNullable<EvalOptions['marketplace']>,
): Promise<MarketplaceReport> {
  const workDir = m.keepDir ?? (await mkdtemp(join(tmpdir(), 'vigie-eval-')));
  try {
    const run = await runMarketplace({
      sellers: m.sellers,
      days: m.days,
      seed: m.seed,
      workDir,
      detector: options.detector,
      policy: options.policy.policy,
      trainEveryMs: m.trainEveryH * 3_600_000,
      logger: options.logger,
      onProgress: options.onProgress,
    });
    const metrics = scoreFlags(run.truth, run.flags);
    const { fp, missed } = misjudged(run);
    return {
      sellers_requested: m.sellers,
      days: m.days,
      seed: m.seed,
      train_every_h: m.trainEveryH,
      simulation: run.simulation,
      replay: run.replay,
      detector: run.detector,
      metrics,
      drifters_emitted_before_takedown_share: emittedBeforeTakedown(run),
      targets: checkTargets(metrics),
      false_positives: fp,
      missed,
    };
  } finally {
    if (m.keepDir === undefined) await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * `vigie eval`: the simulated marketplace through the real pipeline and detectors, scored
 * against the truth, then the forest alone on the real data sets. Returns the report (the
 * caller prints and writes it).
 */
export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const marketplace =
    options.marketplace === null ? null : await marketplaceReport(options, options.marketplace);
  const datasets =
    options.datasetsDir === null
      ? null
      : await evaluateDatasets({
          dir: options.datasetsDir,
          seeds: options.forestSeeds,
          onDataset: options.onDataset,
        });
  return {
    format: 'vigie.eval',
    version: 1,
    generated_at: new Date().toISOString(),
    policy: {
      source: options.policy.source,
      sha256: createHash('sha256').update(options.policy.text).digest('hex'),
    },
    forest: {
      trees: options.detector.VIGIE_FOREST_TREES,
      sample: options.detector.VIGIE_FOREST_SAMPLE,
      extension: options.detector.VIGIE_FOREST_EXTENSION,
      contamination: options.detector.VIGIE_CONTAMINATION,
    },
    marketplace,
    datasets,
    marketplace_targets_met: marketplace ? marketplace.targets.every((t) => t.met) : null,
    dataset_auc_targets_met: datasets ? datasets.every((d) => d.meets_auc_target !== false) : null,
    elapsed_ms: Math.round(performance.now() - started),
  };
}
