import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import {
  DEFAULT_POLICY_DOCUMENT,
  defaultPolicy,
  parsePolicyText,
} from '../../../detectors/index.ts';
import { VigieError } from '../../../streams/errors.ts';
import { loadDetectorConfig } from '../../detector/index.ts';
import { formatEvalReport, runEval, type RunProgress } from '../../eval/index.ts';
import { createLogger } from '../../shared/logger.ts';

interface EvalCliOptions {
  sellers: number;
  days: number;
  seed: string;
  out: string;
  datasets: string | false;
  marketplace: boolean;
  trainEveryH: number;
  forestSeeds: number;
  policy?: string;
  keep?: string;
}

/** The data sets sit next to the repository: ../shared/datasets/anomaly. */
const DEFAULT_DATASETS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/datasets/anomaly',
);

function intArg(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

function hoursArg(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 24 * 365)) throw new InvalidArgumentError('expected hours from 0 to 8760');
  return n;
}

async function loadPolicy(file: string | undefined) {
  if (file === undefined) {
    return {
      policy: defaultPolicy(),
      source: 'detectors/rules/default-policy.json',
      text: JSON.stringify(DEFAULT_POLICY_DOCUMENT),
    };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new VigieError(
      'BAD_REQUEST',
      `cannot read policy file ${file}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const policy = parsePolicyText(text, file);
  // Hashed as canonical JSON, like the default: the same document gives the same hash.
  return { policy, source: file, text: JSON.stringify(JSON.parse(text)) };
}

/** Progress on stderr: a line per phase change, and every 5 s during the replay. */
function progressPrinter(): (p: RunProgress) => void {
  let last = 0;
  let phase = '';
  return (p) => {
    const now = performance.now();
    if (p.phase === phase && p.phase !== 'train' && now - last < 5_000) return;
    if (p.phase === 'train' && now - last < 5_000) return;
    last = now;
    phase = p.phase;
    const clock = Number.isFinite(p.eventTime) ? new Date(p.eventTime).toISOString() : '—';
    process.stderr.write(
      `eval: ${p.phase} | ${p.lines.toLocaleString('en-US')} lines | event time ${clock} | ` +
        `${p.flags.toLocaleString('en-US')} flags\n`,
    );
  };
}

/** `vigie eval` (`npm run eval`): quality on a simulated marketplace and on real data sets. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'replay a simulated marketplace through the real pipeline and detectors and score the flags ' +
        'against its truth, then the isolation forest alone on the real data sets; prints a table ' +
        'and writes a JSON report',
    )
    .option('--sellers <n>', 'simulated seller accounts', intArg(50, 1_000_000), 4_000)
    .option('--days <d>', 'simulated days', intArg(2, 3650), 30)
    .option('--seed <s>', 'simulation seed (integer or text)', '1')
    .option('--out <file>', 'JSON report', 'eval-results/eval.json')
    .option('--datasets <dir>', 'labelled CSVs with the reference README', DEFAULT_DATASETS)
    .option('--no-datasets', 'skip the real data sets')
    .option('--no-marketplace', 'skip the simulated marketplace')
    .option(
      '--train-every-h <h>',
      'train and rescore every h hours of event time during the replay (0: final pass only)',
      hoursArg,
      24,
    )
    .option('--forest-seeds <n>', 'seeds per data set', intArg(1, 100), 5)
    .option('--policy <file>', 'policy file (default: $VIGIE_POLICY_FILE, else the default policy)')
    .option('--keep <dir>', 'keep the stream, flags and store in this (empty) directory')
    .action(async (options: EvalCliOptions) => {
      const config = loadDetectorConfig();
      const logger = createLogger({
        level: config.LOG_LEVEL === 'info' ? 'error' : config.LOG_LEVEL,
      });
      const policy = await loadPolicy(options.policy ?? config.VIGIE_POLICY_FILE);
      const seed = /^-?\d+$/.test(options.seed) ? Number(options.seed) : options.seed;
      const report = await runEval({
        marketplace: options.marketplace
          ? {
              sellers: options.sellers,
              days: options.days,
              seed,
              trainEveryH: options.trainEveryH,
              keepDir: options.keep === undefined ? undefined : resolve(options.keep),
            }
          : null,
        datasetsDir: options.datasets === false ? null : resolve(options.datasets),
        forestSeeds: options.forestSeeds,
        detector: config,
        policy,
        logger,
        onProgress: progressPrinter(),
        onDataset: (file) => process.stderr.write(`eval: data set ${file}\n`),
      });
      await mkdir(dirname(resolve(options.out)), { recursive: true });
      await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(formatEvalReport(report));
      process.stdout.write(`report written to ${options.out}\n`);
    });
}
