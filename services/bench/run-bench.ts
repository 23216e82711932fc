import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { VigieError } from '../../streams/errors.ts';
import { createKafkaClient } from '../../streams/kafka/index.ts';
import { startKafkaForTests, type KafkaForTests } from '../../test/helpers/kafka/index.ts';
import { createLogger } from '../shared/logger.ts';
import { loadBenchConfig } from './config.ts';
import { benchTextTtlDays, prepareDataset, type BenchDataset } from './dataset.ts';
import { runDetectorBench } from './detector-bench.ts';
import { describeMachine, loadAverage } from './environment.ts';
import { runKafkaBench, type KafkaBenchResult } from './kafka-bench.ts';
import { BenchOptionsSchema, type BenchOptionsInput, type BenchSection } from './options.ts';
import { runReplayBench } from './replay-bench.ts';
import type { BenchReport, SectionResult } from './report.ts';
import { nameLibuvPool } from './thread-cpu.ts';

export interface RunBenchDeps {
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** The command line that produced the run, recorded in the JSON. */
  command?: string;
  /**
   * A running broker (`host:port,…`) to use, e.g. the integration tests' one. Default: start one
   * as the integration tests do (KAFKA_BROKERS, else testcontainers, else Kafka's own jars).
   */
  brokers?: string;
}

type Sections = BenchReport['sections'];

/**
 * Runs the selected measurements, each with its baseline in the same run, and returns the report.
 * A section that fails is recorded as failed with its reason; the others still run.
 */
export async function runBench(
  input: BenchOptionsInput,
  deps: RunBenchDeps = {},
): Promise<BenchReport> {
  const parsed = BenchOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new VigieError('BAD_REQUEST', `invalid bench options: ${z.prettifyError(parsed.error)}`);
  }
  const options = parsed.data;
  const log = deps.log ?? (() => undefined);
  let config = loadBenchConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  const selected = new Set<BenchSection>(options.only);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // Before any store work: the CPU per thread then tells chDB's statements from V8's helpers.
  await nameLibuvPool(config.UV_THREADPOOL_SIZE);
  const machine = await describeMachine(
    config.NODE_OPTIONS,
    config,
    config.VIGIE_CHDB_MERGE_NICE,
    config.UV_THREADPOOL_SIZE,
  );
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'vigie-bench-')));
  await mkdir(workDir, { recursive: true });
  const dataDir = join(workDir, 'chdb');
  const sections: Sections = {};
  let dataset: BenchDataset | undefined;
  let broker: KafkaForTests | undefined;

  const attempt = async <T>(name: string, fn: () => Promise<T>): Promise<SectionResult<T>> => {
    try {
      return { status: 'ok', result: await fn() };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log(`${name}: failed: ${reason}`);
      return { status: 'failed', reason };
    }
  };

  try {
    const needsData = ['replay', 'e2e', 'priority', 'memory'].some((s) =>
      selected.has(s as BenchSection),
    );
    if (needsData) {
      dataset = await prepareDataset(options.events, options.seed, workDir);
      config = {
        ...config,
        VIGIE_TEXT_TTL_DAYS: benchTextTtlDays(dataset, config.VIGIE_TEXT_TTL_DAYS),
      };
      log(
        `dataset: ${dataset.lines} lines, ${dataset.sellers} sellers, ${dataset.file}; ` +
          `text TTL ${config.VIGIE_TEXT_TTL_DAYS} days`,
      );
    }
    // The Kafka sections first, while the process has run nothing else: the memory section's
    // reading before ingestion must be the service's, not include what the replay's chDB or the
    // detector's rows left resident (glibc and V8 keep freed pages; docs/performance.md).
    const kafkaSections = (['e2e', 'priority', 'memory'] as const).filter((s) => selected.has(s));
    if (kafkaSections.length > 0 && dataset) {
      const d = dataset;
      const outcome = await attempt('kafka', async (): Promise<KafkaBenchResult> => {
        let brokers = deps.brokers;
        if (brokers === undefined) {
          broker = await startKafkaForTests({ log });
          log(broker.banner);
          machine.kafka = `${broker.version} (${broker.source})`;
          brokers = broker.brokers;
        } else {
          machine.kafka = 'given broker';
        }
        const list = brokers.split(',');
        const kafka = createKafkaClient({ brokers: list, clientId: 'vigie-bench', logger });
        return runKafkaBench(d, options, { kafka, brokers: list, config, logger, log, dataDir });
      });
      for (const name of kafkaSections) {
        sections[name] =
          outcome.status === 'ok'
            ? ({ status: 'ok', result: outcome.result[name] } as never)
            : { status: outcome.status, reason: outcome.reason };
      }
      // Not left running beside the replay, which has no broker on its cores.
      await broker?.stop();
      broker = undefined;
    }
    if (selected.has('replay') && dataset) {
      const d = dataset;
      sections.replay = await attempt('replay', () =>
        runReplayBench(d, { config, logger, log, dataDir, workDir }),
      );
    }
    if (selected.has('detector')) {
      sections.detector = await attempt('detector', () => runDetectorBench(options, { log }));
    }
  } finally {
    await broker?.stop();
    if (!options.keepWorkDir && options.workDir === undefined) {
      await rm(workDir, { recursive: true, force: true });
    }
  }
  machine.load_average_end = loadAverage();
  return {
    format: 'vigie-bench',
    version: 1,
    command:
      deps.command ?? `vigie bench --events ${options.events} --only ${options.only.join(',')}`,
    started_at: startedAt,
    elapsed_s: Math.round(performance.now() - started) / 1000,
    machine,
    ...(dataset === undefined
      ? {}
      : {
          dataset: {
            sellers: dataset.sellers,
            days: dataset.days,
            seed: dataset.seed,
            lines: dataset.lines,
            bytes: dataset.bytes,
            text_ttl_days: config.VIGIE_TEXT_TTL_DAYS,
          },
        }),
    sections,
  };
}

/** Writes the report as pretty JSON, creating the folder. */
export async function writeBenchReport(report: BenchReport, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
