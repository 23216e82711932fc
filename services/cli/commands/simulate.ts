import { InvalidArgumentError, Option, type Command } from 'commander';
import { createKafkaClient } from '../../../streams/kafka/index.ts';
import { VigieError } from '../../../streams/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import {
  loadSimulatorConfig,
  produceToKafka,
  SELLER_CLASSES,
  simulateMarketplace,
  writeNdjson,
  writeTruth,
  type MalformedKind,
  type SellerClass,
  type SimulationOptionsInput,
  type WriteCounts,
} from '../../simulator/index.ts';

export interface SimulateOptions {
  sellers: number;
  days: number;
  seed: string;
  start: string;
  out?: string;
  kafka?: boolean;
  topic?: string;
  partitions: number;
  priority?: boolean;
  truth?: string;
  shares?: Partial<Record<SellerClass, number>>;
  mess: boolean;
  oversize?: boolean;
}

/** What `vigie simulate` prints when done: one JSON line. */
export interface SimulateSummary {
  target: string;
  truth: string | null;
  lines: number;
  bytes: number;
  elapsed_ms: number;
  lines_per_s: number;
  sellers: number;
  sellers_by_class: Record<SellerClass, number>;
  events: number;
  events_by_type: Record<string, number>;
  takedowns_by_class: Record<SellerClass, number>;
  duplicates: number;
  out_of_order: number;
  max_lateness_ms: number;
  malformed: Record<MalformedKind, number>;
  first_event_at: string | null;
  last_event_at: string | null;
}

function intArg(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

function sharesArg(value: string): Partial<Record<SellerClass, number>> {
  const out: Partial<Record<SellerClass, number>> = {};
  for (const part of value.split(',')) {
    const [name, share] = part.split('=');
    const n = Number(share);
    if (!SELLER_CLASSES.includes(name as SellerClass) || !(n >= 0 && n <= 1)) {
      throw new InvalidArgumentError(
        `expected class=share pairs with share in [0, 1], classes: ${SELLER_CLASSES.join(', ')}`,
      );
    }
    out[name as SellerClass] = n;
  }
  return out;
}

/** `events.ndjson` → `events.truth.json`. */
export function defaultTruthPath(out: string): string {
  return `${out.replace(/\.(nd)?jsonl?$/i, '')}.truth.json`;
}

/** `vigie simulate`: a simulated marketplace stream with its truth file. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'generate a simulated marketplace event stream (NDJSON, seeded, with real-world mess) and ' +
        'a truth file of seller classes; prints a JSON summary',
    )
    .requiredOption('--sellers <n>', 'seller accounts at the start', intArg(1, 10_000_000))
    .requiredOption('--days <n>', 'length of the period in days', intArg(1, 3650))
    .requiredOption('--seed <s>', 'seed: the same arguments give byte-identical output')
    .option('--start <time>', 'start of the period (RFC 3339)', '2026-01-01T00:00:00Z')
    .addOption(
      new Option(
        '--out <file>',
        'write the NDJSON stream to this file (default: standard output)',
      ).conflicts('kafka'),
    )
    .option('--kafka', 'produce to $KAFKA_BROKERS, topic $VIGIE_INPUT_TOPIC, keyed by seller id')
    .option('--topic <name>', 'topic for --kafka (default: $VIGIE_INPUT_TOPIC)')
    .option(
      '--priority',
      'with --kafka, also publish trusted-flagger and authority notices to $VIGIE_PRIORITY_TOPIC',
    )
    .option('--partitions <n>', 'partitions if --kafka has to create the topic', intArg(1, 1000), 6)
    .option('--truth <file>', 'truth file (default with --out: <out>.truth.json)')
    .option('--shares <list>', 'population shares, e.g. evader=0.1,drifter=0.05', sharesArg)
    .option('--no-mess', 'no duplicates, late events or malformed lines')
    .option('--oversize', 'add one record over 1 MiB (file output only)')
    .action(async (options: SimulateOptions) => {
      const summary = await runSimulate(options);
      const stream = options.out === undefined && !options.kafka ? process.stderr : process.stdout;
      stream.write(`${JSON.stringify(summary)}\n`);
    });
}

export async function runSimulate(options: SimulateOptions): Promise<SimulateSummary> {
  if (options.out !== undefined && options.kafka) {
    throw new VigieError('BAD_REQUEST', 'use either --out or --kafka, not both');
  }
  if (options.kafka && options.oversize) {
    throw new VigieError(
      'BAD_REQUEST',
      '--oversize makes a record over 1 MiB, which the broker refuses; use it with --out',
    );
  }
  const input: SimulationOptionsInput = {
    sellers: options.sellers,
    days: options.days,
    seed: /^-?\d+$/.test(options.seed) ? Number(options.seed) : options.seed,
    start: options.start,
    shares: options.shares ?? {},
    mess: options.mess ? { oversize: options.oversize ?? false } : false,
  };
  const sim = simulateMarketplace(input);
  const truthPath =
    options.truth ?? (options.out === undefined ? undefined : defaultTruthPath(options.out));
  if (truthPath !== undefined) await writeTruth(sim.truth, truthPath);

  const started = performance.now();
  let written: WriteCounts;
  let target: string;
  if (options.kafka) {
    const config = loadSimulatorConfig();
    if (config.KAFKA_BROKERS === undefined) {
      throw new VigieError(
        'INVALID_CONFIG',
        '--kafka needs KAFKA_BROKERS (host:port[,host:port…])',
      );
    }
    const topic = options.topic ?? config.VIGIE_INPUT_TOPIC;
    const kafka = createKafkaClient({
      brokers: config.KAFKA_BROKERS.split(','),
      clientId: config.KAFKA_CLIENT_ID,
      logger: createLogger({ level: config.LOG_LEVEL }),
    });
    written = await produceToKafka(sim.records(), {
      kafka,
      topic,
      partitions: options.partitions,
      priorityTopic: options.priority ? config.VIGIE_PRIORITY_TOPIC : undefined,
    });
    target = `kafka:${topic}`;
  } else {
    written = await writeNdjson(sim.events, options.out ?? process.stdout);
    target = options.out ?? 'stdout';
  }
  const elapsed = performance.now() - started;
  const s = sim.summary();
  return {
    target,
    truth: truthPath ?? null,
    lines: written.lines,
    bytes: written.bytes,
    elapsed_ms: Math.round(elapsed),
    lines_per_s: Math.round(written.lines / (elapsed / 1000)),
    sellers: s.sellers,
    sellers_by_class: s.sellersByClass,
    events: s.events,
    events_by_type: s.eventsByType,
    takedowns_by_class: s.takedownsByClass,
    duplicates: s.duplicates,
    out_of_order: s.outOfOrder,
    max_lateness_ms: s.maxLatenessMs,
    malformed: s.malformed,
    first_event_at: s.firstEventAt,
    last_event_at: s.lastEventAt,
  };
}
