import {
  assessSeller,
  buildSellerFlagged,
  decideFlag,
  type Assessment,
  type DetectorModel,
  type EmitReason,
  type FeatureName,
  type ModelRecord,
  type Policy,
} from '../../detectors/index.ts';
import AsyncLock from 'async-lock';
import type { SellerFlagged } from '../../streams/contract/index.ts';
import type { Logger } from '../shared/logger.ts';
import type { WebhookSender } from './alerts/webhook-sender.ts';
import type { DetectorStore, SellerFeatureRecord } from './store-port.ts';

/** Trains and loads models: detectors' pure training, given to the loop (see model.ts). */
export interface ModelFactory {
  train(
    rows: ReadonlyArray<Readonly<Record<string, number>>>,
    options: { seed: number; trainedAt: Date },
  ): { model: DetectorModel; record: ModelRecord };
  load(record: ModelRecord): DetectorModel;
  /** The feature columns the models read. */
  readonly features: readonly FeatureName[];
}

/** A durable destination of `seller.flagged` events. */
export interface FlagSink {
  send(flags: readonly SellerFlagged[]): Promise<void>;
}

export interface DetectorLoopOptions {
  store: DetectorStore;
  models: ModelFactory;
  /** The policy in force (hot-reloaded by the policy source). */
  policy: () => Policy;
  logger: Logger;
  /**
   * Where flags go first (Kafka, an NDJSON file), awaited in order: when one fails, nothing is
   * recorded and the caller retries, getting the same flag ids.
   */
  sinks?: readonly FlagSink[];
  webhooks?: WebhookSender;
  /** Event-time cool-down of repeated flags, ms. @default 7 days */
  cooldownMs?: number;
  /** Seed of scheduled trainings. @default 1 */
  seed?: number;
  /** Training period, ms; 0 = on demand only. @default 24 h */
  trainIntervalMs?: number;
  /** How often to look for a model trained elsewhere (`vigie train`), ms. @default 60 s */
  modelPollMs?: number;
  /** Fewer sellers than this: no training (a forest on a handful of rows says nothing). */
  minTrainingRows?: number;
  /** Most sellers a training reads (a fixed hash sample beyond). @default 200,000 */
  maxTrainingRows?: number;
  /** Sellers per page when rescoring everyone. @default 5,000 */
  pageSize?: number;
  /** Wall clock, injectable for tests. */
  now?: () => number;
}

export interface ScoreSummary {
  scored: number;
  flagged: number;
  emitted: number;
  suppressed: { cooldown: number; dismissed: number };
  /** Emitted flags by why they were emitted. */
  reasons: Partial<Record<EmitReason, number>>;
}

export interface TrainOutcome {
  trained: boolean;
  rows: number;
  version?: string;
  record?: ModelRecord;
  /** Set when training was skipped. */
  skipped?: string;
}

export interface DetectorLoop {
  /** Loads the latest model and starts the schedules. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Scores sellers whose features changed (the pipeline's `onChanged`); throws to retry. With
   * `records` (the snapshots the pipeline has just stored, one per seller) the store is not read
   * back; without, their latest features are read from it. With `stored`, nothing is emitted
   * (Kafka, `flags`, webhooks) before it settles: the sellers are scored and their flag states
   * read meanwhile; if it rejects, the pass throws and emits nothing.
   */
  onChanged(
    sellerIds: readonly string[],
    records?: readonly SellerFeatureRecord[],
    stored?: Promise<void>,
  ): Promise<ScoreSummary>;
  /** Fits a model on the current population, stores it, makes it current and rescores all. */
  train(options?: { seed?: number; rescore?: boolean }): Promise<TrainOutcome>;
  rescoreAll(): Promise<ScoreSummary>;
  /** What Vigie concludes about one seller now (no flag is emitted). */
  assess(
    sellerId: string,
  ): Promise<{ record: SellerFeatureRecord; assessment: Assessment } | undefined>;
  currentModel(): DetectorModel | undefined;
}

const emptySummary = (): ScoreSummary => ({
  scored: 0,
  flagged: 0,
  emitted: 0,
  suppressed: { cooldown: 0, dismissed: 0 },
  reasons: {},
});

function addSummary(into: ScoreSummary, s: ScoreSummary): void {
  into.scored += s.scored;
  into.flagged += s.flagged;
  into.emitted += s.emitted;
  into.suppressed.cooldown += s.suppressed.cooldown;
  into.suppressed.dismissed += s.suppressed.dismissed;
  for (const [k, v] of Object.entries(s.reasons) as Array<[EmitReason, number]>) {
    into.reasons[k] = (into.reasons[k] ?? 0) + v;
  }
}

/**
 * The detector loop: scores changed sellers, trains on a schedule and on demand, rescores all
 * after a new model, decides which flags to emit (cool-down, dismissals) and delivers them:
 * Kafka first (awaited: a failure throws, nothing is recorded, the batch is retried and the same
 * flag ids come out again), then the `flags` table, then webhooks (in the background, with
 * retries and dead letters).
 */
export function createDetectorLoop(options: DetectorLoopOptions): DetectorLoop {
  const log = options.logger.child({ component: 'detector.loop' });
  const cooldownMs = options.cooldownMs ?? 7 * 86_400_000;
  const pageSize = options.pageSize ?? 5_000;
  const minRows = options.minTrainingRows ?? 100;
  const now = options.now ?? Date.now;
  let model: DetectorModel | undefined;
  let training: Promise<TrainOutcome> | undefined;
  const timers: NodeJS.Timeout[] = [];
  // A seller's flag is decided by one pass at a time: two passes (an onChanged and a rescore,
  // or the two lanes' onChanged) must not decide it concurrently (both would see no previous
  // flag and emit twice). Locked per flagged seller, not for the whole pass: a pass holds its
  // sellers' locks until its flags are stored and sent, which waits for its batch to be stored
  // (`stored`), and a trusted-flagger notice's pass must not wait behind a backlog batch's
  // writes for other sellers. Scoring itself takes no lock.
  const flagLock = new AsyncLock({ maxPending: Number.MAX_SAFE_INTEGER });
  // Rescores run one at a time; every pass in flight is awaited by `stop`.
  let rescores: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = rescores.then(task);
    rescores = next.catch(() => undefined);
    return next;
  };
  const inFlight = new Set<Promise<unknown>>();
  const tracked = <T>(pass: Promise<T>): Promise<T> => {
    inFlight.add(pass);
    const forget = () => inFlight.delete(pass);
    pass.then(forget, forget);
    return pass;
  };

  async function scoreRecords(
    records: readonly SellerFeatureRecord[],
    stored?: Promise<void>,
  ): Promise<ScoreSummary> {
    const summary = emptySummary();
    const policy = options.policy();
    const current = model;
    const candidates: Array<{ record: SellerFeatureRecord; assessment: Assessment }> = [];
    for (const record of records) {
      // Explanations only for flagged sellers: most sellers are scored and never read.
      const quick = current?.verdict(record.features.values, { explain: false });
      let assessment = assessSeller(policy, record.features, quick);
      if (assessment.flagged && current !== undefined) {
        assessment = assessSeller(policy, record.features, current.verdict(record.features.values));
      }
      summary.scored++;
      if (assessment.flagged) candidates.push({ record, assessment });
    }
    summary.flagged = candidates.length;
    if (candidates.length === 0) return summary;
    const sellers = [...new Set(candidates.map((c) => c.record.sellerId))].sort();
    return flagLock.acquire(sellers, () => decide(candidates, summary, stored));
  }

  /** Decides and emits the flagged sellers' flags; called with their locks held. */
  async function decide(
    candidates: ReadonlyArray<{ record: SellerFeatureRecord; assessment: Assessment }>,
    summary: ScoreSummary,
    stored: Promise<void> | undefined,
  ): Promise<ScoreSummary> {
    const states = await options.store.flagStates(candidates.map((c) => c.record.sellerId));
    const out: SellerFlagged[] = [];
    for (const { record, assessment } of candidates) {
      const decision = decideFlag(
        {
          kinds: assessment.kinds,
          severity: assessment.severity!,
          evidence: assessment.evidence,
          as_of: record.asOf,
        },
        states.get(record.sellerId) ?? { dismissed: [] },
        { cooldownMs },
      );
      if (!decision.emit) {
        summary.suppressed[decision.reason]++;
        continue;
      }
      summary.reasons[decision.reason] = (summary.reasons[decision.reason] ?? 0) + 1;
      // flagged_at is the event time of the evidence: replays give identical flags, and a flag
      // can be compared with the seller's own timeline.
      out.push(buildSellerFlagged(record.sellerId, assessment, new Date(record.asOf)));
    }
    if (out.length === 0) return summary;
    // The flags' evidence (the batch's events) is in the store before any flag goes out.
    await stored;
    for (const sink of options.sinks ?? []) await sink.send(out);
    await options.store.saveFlags(out, now());
    for (const flag of out) options.webhooks?.send(flag);
    summary.emitted = out.length;
    return summary;
  }

  async function rescoreAllNow(): Promise<ScoreSummary> {
    const total = emptySummary();
    for await (const page of options.store.featurePages(pageSize)) {
      addSummary(total, await scoreRecords(page));
    }
    log.info({ ...total, model: model?.version }, 'rescored all sellers');
    return total;
  }

  async function trainNow(seed: number, rescore: boolean): Promise<TrainOutcome> {
    const rows = await options.store.featureValues(
      options.models.features,
      options.maxTrainingRows ?? 200_000,
    );
    if (rows.length < minRows) {
      const skipped = `${rows.length} sellers, fewer than the ${minRows} needed to train`;
      log.info({ rows: rows.length, minRows }, 'training skipped');
      return { trained: false, rows: rows.length, skipped };
    }
    const started = now();
    const { model: fitted, record } = options.models.train(rows, {
      seed,
      trainedAt: new Date(started),
    });
    await options.store.saveModel(record);
    model = fitted;
    log.info(
      {
        version: record.version,
        rows: rows.length,
        ms: now() - started,
        threshold: record.summary.threshold,
      },
      'model trained',
    );
    if (rescore) await serial(rescoreAllNow);
    return { trained: true, rows: rows.length, version: record.version, record };
  }

  async function pollModel(): Promise<void> {
    const latest = await options.store.latestModel();
    if (latest === undefined || latest.version === model?.version) return;
    model = options.models.load(latest);
    log.info({ version: latest.version }, 'newer model found; rescoring');
    await serial(rescoreAllNow);
  }

  function train(opts: { seed?: number; rescore?: boolean } = {}): Promise<TrainOutcome> {
    // One training at a time; a second request joins the one running.
    training ??= trainNow(opts.seed ?? options.seed ?? 1, opts.rescore ?? true).finally(() => {
      training = undefined;
    });
    return training;
  }

  return {
    async start() {
      const latest = await options.store.latestModel();
      if (latest !== undefined) model = options.models.load(latest);
      log.info({ model: model?.version ?? 'none' }, 'detector loop started');
      const interval = options.trainIntervalMs ?? 86_400_000;
      if (interval > 0) {
        const t = setInterval(() => {
          train().catch((err: unknown) => log.error({ err }, 'scheduled training failed'));
        }, interval);
        t.unref();
        timers.push(t);
      }
      const poll = setInterval(() => {
        pollModel().catch((err: unknown) => log.error({ err }, 'model poll failed'));
      }, options.modelPollMs ?? 60_000);
      poll.unref();
      timers.push(poll);
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
      await training?.catch(() => undefined);
      await rescores.catch(() => undefined);
      await Promise.allSettled([...inFlight]);
    },
    onChanged(sellerIds, given, stored) {
      return tracked(
        (async () => {
          if (sellerIds.length === 0) return emptySummary();
          const records = given ?? (await options.store.latestFeatures([...new Set(sellerIds)]));
          return scoreRecords(records, stored);
        })(),
      );
    },
    train,
    rescoreAll: () => serial(rescoreAllNow),
    async assess(sellerId) {
      const [record] = await options.store.latestFeatures([sellerId]);
      if (record === undefined) return undefined;
      const verdict = model?.verdict(record.features.values);
      return { record, assessment: assessSeller(options.policy(), record.features, verdict) };
    },
    currentModel: () => model,
  };
}
