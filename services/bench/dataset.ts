import { join } from 'node:path';
import {
  simulateMarketplace,
  writeNdjson,
  type Simulation,
  type SimulationTruth,
} from '../simulator/index.ts';
import { EVENTS_PER_SELLER } from './options.ts';

/** The simulated marketplace every ingestion measurement replays (30 days, default shares). */
export interface BenchDataset {
  simulation: Simulation;
  sellers: number;
  days: number;
  seed: number;
  /** The same stream as NDJSON (for file replay), under the work directory. */
  file: string;
  lines: number;
  bytes: number;
}

export const DATASET_DAYS = 30;

/** Longest text TTL the configuration takes (VIGIE_TEXT_TTL_DAYS). */
const MAX_TEXT_TTL_DAYS = 3650;

/**
 * The text TTL (days) the bench's store is opened with: the configured one, or the dataset's age
 * when that is longer. The simulated events are dated from the simulator's fixed start
 * (2026-01-01, for reproducible figures), while a live stream's events are recent. With a
 * shorter TTL the store would blank their text as it writes it, paying TTL merges and building
 * edits on blanked versions, neither of which a live stream sees.
 */
export function benchTextTtlDays(
  dataset: Pick<BenchDataset, 'simulation'>,
  configured: number,
  now = Date.now(),
): number {
  const ageDays = Math.ceil((now - dataset.simulation.options.startMs) / 86_400_000) + 1;
  return Math.min(MAX_TEXT_TTL_DAYS, Math.max(configured, ageDays));
}

export function sellersFor(events: number): number {
  return Math.max(10, Math.ceil(events / EVENTS_PER_SELLER));
}

/**
 * The bench's simulated stream of ~`events` lines as UTF-8 buffers, in memory (the CPU-only
 * benches: engine, chDB statements). Encoded up front, off the V8 heap, so heap readings taken
 * afterwards see the measured state only.
 */
export function simulatedLines(events: number, seed: number): Buffer[] {
  const simulation = simulateMarketplace({
    sellers: sellersFor(events),
    days: DATASET_DAYS,
    seed,
  });
  const lines: Buffer[] = [];
  for (const line of simulation.events) lines.push(Buffer.from(line));
  return lines;
}

/** Simulates ~`events` lines (12,500 sellers × 30 days ≈ 1,015,000) and writes them to a file. */
export async function prepareDataset(
  events: number,
  seed: number,
  workDir: string,
): Promise<BenchDataset> {
  const sellers = sellersFor(events);
  const simulation = simulateMarketplace({ sellers, days: DATASET_DAYS, seed });
  const file = join(workDir, `sim-${sellers}-${seed}.ndjson`);
  const counts = await writeNdjson(simulation.events, file);
  return {
    simulation,
    sellers,
    days: DATASET_DAYS,
    seed,
    file,
    lines: counts.lines,
    bytes: counts.bytes,
  };
}

/** Ordinary sellers (no takedown, no notice in the stream): a probe notice is their first. */
export function ordinarySellers(truth: SimulationTruth, count: number): string[] {
  const ids = Object.entries(truth.sellers)
    .filter(([, s]) => s.class === 'ordinary')
    .map(([id]) => id)
    .sort();
  const step = Math.max(1, Math.floor(ids.length / (count + 1)));
  return Array.from(
    { length: Math.min(count, ids.length) },
    (_, i) => ids[(i + 1) * step] ?? ids[i]!,
  );
}
