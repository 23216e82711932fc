/**
 * Engine-only benchmark (issue 6): the feature engine's CPU per event and memory per seller,
 * without Kafka or the store, so before/after figures of an engine change are comparable.
 *
 *   npx tsx services/bench/engine-bench.ts [events] [--rows] [--snapshots] [--seed N]
 *     [--slice N] [--then N [--idle MS]]
 *
 * Simulates ~`events` events (services/simulator, 30 days, as services/bench/dataset.ts does),
 * decodes them as the pipeline does (decodeBatch), and applies them to the engine in batches of
 * 5,000 with the in-memory cross-seller index (the pipeline's memory mode); `--slice N` hands
 * each batch to the engine N events at a time (as a smaller VIGIE_BATCH_SIZE would), so that the
 * cost of smaller engine calls, and their effect on the features, show. `--rows` also builds
 * the `listing_texts` rows of each batch (services/pipeline/table-rows.ts) with the engine's text
 * analyser, as the pipeline does. `--snapshots` also builds, after each batch, the
 * `seller_features` row of every seller the batch changed, at that seller's latest event time,
 * as the pipeline's engine stage does (services/pipeline/engine-stage.ts: derivation, evidence
 * and its JSON), and prints their CPU per row and a digest of the rows; then, apart from the
 * engine's garbage, the fastest of five passes that build every held seller's row
 * (`snapshot_pass_us`, wall time per row on the main thread). Prints events per CPU-second of the engine (and rows) calls
 * only (process.cpuUsage, user + system, GC threads included; decoding apart), the V8 heap per
 * seller after a full GC (`heap_bytes_per_seller`: engine and in-memory index, against the heap
 * before the first batch; `array_buffer_bytes_per_seller`: their typed arrays, outside the heap;
 * `seller_state_bytes_per_seller`: what forgetting every seller frees),
 * and digests of every seller's features and of the rows: equal digests before and after a
 * change mean equal outputs. CPU time is noisy on a shared machine: compare minima of runs.
 * Per fifth of the input (in event time, as simulated): the engine's CPU per event, and the
 * cross-seller searches' work per event (`SearchWork` of features/engine/in-memory-index.ts:
 * segment probes, band-bucket entries met, candidates handed on), which unlike CPU time does
 * not depend on the machine's hour.
 *
 * `--then N` continues as `vigie bench`'s latency run does after its drain: N events of new
 * sellers (the next seed, the same 30 days, so dated before the drained ones), applied in
 * batches of 750 (a real-time batch at 2,000 events/s), and prints the wall time per batch
 * (p50, p99, max, and how many took over 250 ms): the engine's stalls, without Kafka or the store.
 * `--idle MS` waits that long between those batches (the real-time run's ~150 ms between batches,
 * in which V8's concurrent marking and idle tasks progress). It also gives the in-memory index's
 * search counts over those batches, the five slowest with that search's work and the main
 * thread's GC pauses in each, and the features' digest after them.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createFeatureEngine,
  createInMemoryCrossSellerIndex,
  resolveConfig,
  type FeatureEngine,
  type InMemoryCrossSellerIndex,
} from '../../features/engine/index.ts';
import { createTextAnalyser } from '../../features/text/index.ts';
import type { RawRecord } from '../../streams/contract/index.ts';
import { decodeBatch } from '../pipeline/decode-batch.ts';
import { snapshotRow } from '../pipeline/engine-stage.ts';
import { createTableRowBuilder } from '../pipeline/table-rows.ts';
import { DATASET_DAYS, simulatedLines } from './dataset.ts';
import { EVENTS_PER_SELLER } from './options.ts';
import { simulateMarketplace } from '../simulator/index.ts';
import { collectGarbage } from './memory.ts';
import { recordGcPauses } from './gc-pauses.ts';
import { gcWithin } from './latency-tail.ts';

const BATCH = 5_000;

interface EngineBenchOptions {
  events: number;
  seed: number;
  rows: boolean;
  snapshots: boolean;
  then: number;
  idle: number;
  slice: number;
}

function parseArgs(argv: readonly string[]): EngineBenchOptions {
  const options: EngineBenchOptions = {
    events: 200_000,
    seed: 42,
    rows: false,
    snapshots: false,
    then: 0,
    idle: 0,
    slice: BATCH,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--rows') options.rows = true;
    else if (arg === '--snapshots') options.snapshots = true;
    else if (arg === '--seed') options.seed = Number(argv[(i += 1)]);
    else if (arg === '--then') options.then = Number(argv[(i += 1)]);
    else if (arg === '--idle') options.idle = Number(argv[(i += 1)]);
    else if (arg === '--slice') options.slice = Number(argv[(i += 1)]);
    else if (/^\d+$/.test(arg)) options.events = Number(arg);
    else
      throw new Error(
        `unknown argument ${arg}; usage: engine-bench [events] [--rows] [--snapshots] [--seed N] ` +
          '[--slice N] [--then N [--idle MS]]',
      );
  }
  if (!Number.isInteger(options.slice) || options.slice < 1) {
    throw new Error(`--slice ${options.slice}: expected a positive integer`);
  }
  return options;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

function featuresDigest(engine: FeatureEngine): string {
  const hash = createHash('sha256');
  for (const id of engine.sellers()) hash.update(JSON.stringify(engine.features(id))).update('\n');
  return hash.digest('hex').slice(0, 16);
}

const THEN_BATCH = 750;

/** `--then`: new sellers' events in real-time-sized batches, wall time per batch. */
async function afterDrain(
  engine: FeatureEngine,
  index: InMemoryCrossSellerIndex,
  options: EngineBenchOptions,
) {
  const fresh = simulateMarketplace({
    sellers: Math.ceil((options.then / EVENTS_PER_SELLER) * 1.2),
    days: DATASET_DAYS,
    seed: options.seed + 1,
  });
  const lines: Buffer[] = [];
  for (const line of fresh.events) {
    if (lines.length === options.then) break;
    lines.push(Buffer.from(line));
  }
  const receivedAt = Date.UTC(2025, 0, 1);
  const ms: number[] = [];
  const searchesBefore = index.searchStats();
  // The slowest batches, with the search work and the main thread's GC pauses in them.
  const slow: Array<{
    batch: number;
    ms: number;
    start: number;
    end: number;
    indexed: number;
  }> = [];
  const gc = recordGcPauses();
  for (let start = 0; start < lines.length; start += THEN_BATCH) {
    if (options.idle > 0 && start > 0) await sleep(options.idle);
    const records: RawRecord[] = lines.slice(start, start + THEN_BATCH).map((line, i) => ({
      bytes: line,
      origin: { kind: 'file', file: 'then.ndjson', line: start + i + 1 },
      receivedAt,
    }));
    const batch = decodeBatch(records, new Date(receivedAt)).events;
    const before = index.searchStats();
    const t = performance.now();
    engine.apply(batch);
    const end = performance.now();
    ms.push(end - t);
    const after = index.searchStats();
    slow.push({
      batch: ms.length - 1,
      ms: Math.round(end - t),
      start: t,
      end,
      indexed: after.indexed - before.indexed,
    });
  }
  await sleep(10); // the last GC entries
  gc.stop();
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return {
    events: lines.length,
    batches: ms.length,
    batch_ms: {
      p50: at(0.5),
      p99: at(0.99),
      max: at(1),
      mean: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length),
    },
    batches_over_250_ms: ms.filter((x) => x > 250).length,
    idle_ms: options.idle,
    published_indexed: index.searchStats().indexed - searchesBefore.indexed,
    slowest: slow
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map(({ start, end, ...b }) => ({
        ...b,
        gc_ms: Math.round(gcWithin(gc.pauses, start, end)),
      })),
    features_digest: featuresDigest(engine),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const lines = simulatedLines(options.events, options.seed);
  const origin = { kind: 'file', file: 'sim.ndjson', line: 0 } as const;
  const receivedAt = Date.UTC(2025, 0, 1);

  const heapBefore = heapUsed();
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const index = createInMemoryCrossSellerIndex();
  // Wired as services/pipeline/engine-stage.ts does: one text analyser for engine and rows.
  const config = resolveConfig({});
  const minhash = { numHashes: config.numHashes, seed: config.minhashSeed };
  const analyser = createTextAnalyser(minhash);
  const engine = createFeatureEngine({ crossSeller: index, textAnalyser: analyser });
  const rowsOf = options.rows ? createTableRowBuilder({ ...minhash, analyser }) : undefined;
  const rowsHash = createHash('sha256');
  let events = 0;
  let engineCpu = 0;
  /** Engine CPU and events per fifth of the input (by line): does the cost grow with state? */
  const fifths = Array.from({ length: 5 }, () => ({
    cpu: 0,
    events: 0,
    bandEntries: 0,
    candidates: 0,
    probes: 0,
  }));
  let rowsCpu = 0;
  let decodeCpu = 0;
  let rowCount = 0;
  let snapshotCpu = 0;
  let snapshotCount = 0;
  const snapshotsHash = createHash('sha256');
  /** Latest event time per seller, as the engine stage keeps it for a snapshot's `as_of`. */
  const lastAt = new Map<string, number>();
  for (let start = 0; start < lines.length; start += BATCH) {
    const t0 = cpuMs();
    const records: RawRecord[] = lines.slice(start, start + BATCH).map((line, i) => ({
      bytes: line,
      origin: { ...origin, line: start + i + 1 },
      receivedAt,
    }));
    const batch = decodeBatch(records, new Date(receivedAt)).events;
    const t1 = cpuMs();
    const rows = rowsOf?.listingVersions(
      batch.map((e) => e.event),
      [],
    );
    const t2 = cpuMs();
    const changed = new Set<string>();
    const workBefore = index.searchStats();
    for (let i = 0; i < batch.length; i += options.slice) {
      for (const id of engine.apply(batch.slice(i, i + options.slice))) changed.add(id);
    }
    const t3 = cpuMs();
    if (options.snapshots) {
      for (const { event } of batch) {
        const at = Date.parse(event.occurred_at);
        if (at > (lastAt.get(event.seller_id) ?? -Infinity)) lastAt.set(event.seller_id, at);
      }
      const s0 = cpuMs();
      const built = [...changed]
        .sort()
        .map((id) => snapshotRow(engine.features(id, lastAt.get(id) ?? engine.watermark()), 0));
      snapshotCpu += cpuMs() - s0;
      snapshotCount += built.length;
      for (const row of built) snapshotsHash.update(JSON.stringify(row)).update('\n');
    }
    for (const r of rows ?? []) {
      rowsHash.update(
        `${r.normalized_text}\u0000${r.minhash.join(',')}\u0000${r.obfuscation_score}\n`,
      );
    }
    rowCount += rows?.length ?? 0;
    decodeCpu += t1 - t0;
    rowsCpu += t2 - t1;
    engineCpu += t3 - t2;
    const workAfter = index.searchStats();
    const fifth = fifths[Math.min(4, Math.floor((5 * start) / lines.length))] as (typeof fifths)[0];
    fifth.cpu += t3 - t2;
    fifth.events += batch.length;
    for (const kind of ['taken', 'recent'] as const) {
      fifth.probes += workAfter[kind].probes - workBefore[kind].probes;
      fifth.bandEntries += workAfter[kind].bandEntries - workBefore[kind].bandEntries;
      fifth.candidates += workAfter[kind].candidates - workBefore[kind].candidates;
    }
    events += batch.length;
  }
  const heapAfter = heapUsed();
  const buffersAfter = process.memoryUsage().arrayBuffers;
  const held = engine.sellers().length;
  let snapshotPass = Infinity;
  if (options.snapshots) {
    const ids = engine.sellers();
    for (let pass = 0; pass < 5; pass += 1) {
      collectGarbage();
      const s0 = performance.now();
      for (const id of ids)
        snapshotRow(engine.features(id, lastAt.get(id) ?? engine.watermark()), 0);
      snapshotPass = Math.min(snapshotPass, performance.now() - s0);
    }
  }
  const digest = featuresDigest(engine);
  const stats = engine.stats();
  const then = options.then > 0 ? await afterDrain(engine, index, options) : undefined;
  // The sellers' state alone: what the engine frees when it forgets every seller.
  engine.forget(engine.sellers());
  const heapWithoutSellers = heapUsed();

  const perSeller = (bytes: number) => Math.round(bytes / held);
  const report = {
    events,
    sellers: held,
    batch: BATCH,
    slice: Math.min(options.slice, BATCH),
    seed: options.seed,
    node: process.version,
    engine_cpu_s: +(engineCpu / 1000).toFixed(2),
    engine_events_per_cpu_s: Math.round(events / (engineCpu / 1000)),
    engine_us_per_event_by_fifth: fifths.map((f) => +((1000 * f.cpu) / f.events).toFixed(1)),
    // The cross-seller searches' work per event, by fifth (see `SearchWork`): bucket entries
    // met and candidates handed on, which grow with the similar listings held, not with time.
    search_band_entries_per_event_by_fifth: fifths.map(
      (f) => +(f.bandEntries / f.events).toFixed(1),
    ),
    search_candidates_per_event_by_fifth: fifths.map((f) => +(f.candidates / f.events).toFixed(2)),
    search_probes_per_event_by_fifth: fifths.map((f) => +(f.probes / f.events).toFixed(2)),
    ...(rowsOf !== undefined
      ? {
          rows: rowCount,
          rows_cpu_s: +(rowsCpu / 1000).toFixed(2),
          rows_and_engine_events_per_cpu_s: Math.round(events / ((engineCpu + rowsCpu) / 1000)),
          rows_digest: rowsHash.digest('hex').slice(0, 16),
        }
      : {}),
    ...(options.snapshots
      ? {
          snapshots: snapshotCount,
          snapshots_cpu_s: +(snapshotCpu / 1000).toFixed(2),
          snapshot_us: +((snapshotCpu * 1000) / snapshotCount).toFixed(1),
          snapshot_pass_us: +((snapshotPass * 1000) / held).toFixed(1),
          snapshots_digest: snapshotsHash.digest('hex').slice(0, 16),
        }
      : {}),
    decode_cpu_s: +(decodeCpu / 1000).toFixed(2),
    heap_bytes_per_seller: perSeller(heapAfter - heapBefore),
    // Typed arrays' memory is outside the V8 heap (the index's slab and search tables).
    array_buffer_bytes_per_seller: perSeller(buffersAfter - buffersBefore),
    seller_state_bytes_per_seller: perSeller(heapAfter - heapWithoutSellers),
    retained: stats.retained,
    ...(then !== undefined ? { then } : {}),
    features_digest: digest,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
