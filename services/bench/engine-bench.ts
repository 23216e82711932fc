/**
 * Engine-only benchmark (issue 6): the feature engine's CPU per event and memory per seller,
 * without Kafka or the store, so before/after figures of an engine change are comparable.
 *
 *   npx tsx services/bench/engine-bench.ts [events] [--rows] [--seed N]
 *
 * Simulates ~`events` events (services/simulator, 30 days, as services/bench/dataset.ts does),
 * decodes them as the pipeline does (decodeBatch), and applies them to the engine in batches of
 * 5,000 with the in-memory cross-seller index (the pipeline's memory mode). `--rows` also builds
 * the `listing_texts` rows of each batch (services/pipeline/table-rows.ts) with the engine's text
 * analyser, as the pipeline does. Prints events per CPU-second of the engine (and rows) calls
 * only (process.cpuUsage, user + system, GC threads included; decoding apart), the V8 heap per
 * seller after a full GC (`heap_bytes_per_seller`: engine and in-memory index, against the heap
 * before the first batch; `seller_state_bytes_per_seller`: what forgetting every seller frees),
 * and digests of every seller's features and of the rows: equal digests before and after a
 * change mean equal outputs. CPU time is noisy on a shared machine: compare minima of runs.
 */
import { createHash } from 'node:crypto';
import {
  createFeatureEngine,
  createInMemoryCrossSellerIndex,
  resolveConfig,
  type FeatureEngine,
} from '../../features/engine/index.ts';
import { createTextAnalyser } from '../../features/text/index.ts';
import type { RawRecord } from '../../streams/contract/index.ts';
import { decodeBatch } from '../pipeline/decode-batch.ts';
import { createTableRowBuilder } from '../pipeline/table-rows.ts';
import { simulatedLines } from './dataset.ts';
import { collectGarbage } from './memory.ts';

const BATCH = 5_000;

interface EngineBenchOptions {
  events: number;
  seed: number;
  rows: boolean;
}

function parseArgs(argv: readonly string[]): EngineBenchOptions {
  const options: EngineBenchOptions = { events: 200_000, seed: 42, rows: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--rows') options.rows = true;
    else if (arg === '--seed') options.seed = Number(argv[(i += 1)]);
    else if (/^\d+$/.test(arg)) options.events = Number(arg);
    else
      throw new Error(`unknown argument ${arg}; usage: engine-bench [events] [--rows] [--seed N]`);
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

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const lines = simulatedLines(options.events, options.seed);
  const origin = { kind: 'file', file: 'sim.ndjson', line: 0 } as const;
  const receivedAt = Date.UTC(2025, 0, 1);

  const heapBefore = heapUsed();
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
  let rowsCpu = 0;
  let decodeCpu = 0;
  let rowCount = 0;
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
    engine.apply(batch);
    const t3 = cpuMs();
    for (const r of rows ?? []) {
      rowsHash.update(
        `${r.normalized_text}\u0000${r.minhash.join(',')}\u0000${r.obfuscation_score}\n`,
      );
    }
    rowCount += rows?.length ?? 0;
    decodeCpu += t1 - t0;
    rowsCpu += t2 - t1;
    engineCpu += t3 - t2;
    events += batch.length;
  }
  const heapAfter = heapUsed();
  const held = engine.sellers().length;
  const digest = featuresDigest(engine);
  const stats = engine.stats();
  // The sellers' state alone: what the engine frees when it forgets every seller.
  engine.forget(engine.sellers());
  const heapWithoutSellers = heapUsed();

  const perSeller = (bytes: number) => Math.round(bytes / held);
  const report = {
    events,
    sellers: held,
    batch: BATCH,
    seed: options.seed,
    node: process.version,
    engine_cpu_s: +(engineCpu / 1000).toFixed(2),
    engine_events_per_cpu_s: Math.round(events / (engineCpu / 1000)),
    ...(rowsOf !== undefined
      ? {
          rows: rowCount,
          rows_cpu_s: +(rowsCpu / 1000).toFixed(2),
          rows_and_engine_events_per_cpu_s: Math.round(events / ((engineCpu + rowsCpu) / 1000)),
          rows_digest: rowsHash.digest('hex').slice(0, 16),
        }
      : {}),
    decode_cpu_s: +(decodeCpu / 1000).toFixed(2),
    heap_bytes_per_seller: perSeller(heapAfter - heapBefore),
    seller_state_bytes_per_seller: perSeller(heapAfter - heapWithoutSellers),
    retained: stats.retained,
    features_digest: digest,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
