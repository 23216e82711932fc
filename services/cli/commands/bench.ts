import { InvalidArgumentError, type Command } from 'commander';
import {
  BENCH_SECTIONS,
  formatBenchTable,
  runBench,
  writeBenchReport,
  type BenchSection,
} from '../../bench/index.ts';

export interface BenchCommandOptions {
  events: number;
  only?: BenchSection[];
  out?: string;
  seed: number;
  latencySeconds?: number;
  priorityProbes?: number;
  keepWorkDir?: boolean;
  workDir?: string;
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

function sectionsArg(value: string): BenchSection[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!BENCH_SECTIONS.includes(name as BenchSection)) {
      throw new InvalidArgumentError(
        `unknown section ${name}; expected ${BENCH_SECTIONS.join(',')}`,
      );
    }
  }
  return names as BenchSection[];
}

const today = () => new Date().toISOString().slice(0, 10);

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'measure ingestion (Kafka, file), the priority lane, the detector and memory, each against ' +
        'a baseline in the same run; writes a JSON report and prints a table',
    )
    .option(
      '--events <n>',
      'simulated events per ingestion run',
      intArg(1_000, 20_000_000),
      1_000_000,
    )
    .option('--only <sections>', `comma-separated: ${BENCH_SECTIONS.join(',')}`, sectionsArg)
    .option('--out <file>', 'report file (default bench-results/bench-<date>.json)')
    .option('--seed <n>', 'seed of the simulation and the forests', intArg(0, 0xffffffff), 42)
    .option('--latency-seconds <n>', 'length of the paced latency run', intArg(2, 3_600))
    .option(
      '--priority-probes <n>',
      'trusted-flagger notices sent, one per 2 s, while the backlog drains (default 5)',
      intArg(1, 100),
    )
    .option('--work-dir <dir>', 'temporary data here instead of a fresh temp directory (kept)')
    .option('--keep-work-dir', 'keep the temporary directory (simulated file, chDB store)')
    .action(async (options: BenchCommandOptions) => {
      const out = options.out ?? `bench-results/bench-${today()}.json`;
      const command = ['vigie bench', ...process.argv.slice(3)].join(' ');
      const report = await runBench(
        {
          events: options.events,
          seed: options.seed,
          ...(options.only ? { only: options.only } : {}),
          ...(options.latencySeconds ? { latencySeconds: options.latencySeconds } : {}),
          ...(options.priorityProbes ? { priorityProbes: options.priorityProbes } : {}),
          ...(options.workDir ? { workDir: options.workDir } : {}),
          keepWorkDir: options.keepWorkDir ?? false,
        },
        { log: (line) => process.stderr.write(`bench: ${line}\n`), command },
      );
      await writeBenchReport(report, out);
      process.stdout.write(`${formatBenchTable(report)}\n\nreport: ${out}\n`);
    });
}
