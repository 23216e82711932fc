import { InvalidArgumentError, type Command } from 'commander';
import {
  createDetectorService,
  loadDetectorConfig,
  openDetectorStore,
  type DetectorEnv,
} from '../../detector/index.ts';
import { createLogger } from '../../shared/logger.ts';

interface TrainOptions {
  dataDir?: string;
  seed?: number;
  rescore?: boolean;
}

function seedArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidArgumentError('expected an integer from 0 to 4294967295');
  }
  return n;
}

/** `vigie train`: fits a model on the current seller population and stores it. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      'train the anomaly model on the current seller features and store it (a running service ' +
        'picks it up and rescores); prints the model version and training summary as JSON',
    )
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .option('--seed <n>', 'training seed (default: $VIGIE_TRAIN_SEED)', seedArg)
    .option('--rescore', 'also rescore every seller now and emit flags (Kafka, webhooks)')
    .action(async (options: TrainOptions) => {
      const config: DetectorEnv = loadDetectorConfig();
      const logger = createLogger({ level: config.LOG_LEVEL });
      const opened = await openDetectorStore({
        dataDir: options.dataDir ?? config.VIGIE_DATA_DIR,
        url: config.CLICKHOUSE_URL,
        database: config.CLICKHOUSE_DATABASE,
        textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
        logger,
      });
      const service = createDetectorService({
        config,
        store: opened.store,
        logger,
        schedule: false,
        kafka: options.rescore ? undefined : null,
      });
      try {
        await service.start();
        const outcome = await service.loop.train({
          seed: options.seed ?? config.VIGIE_TRAIN_SEED,
          rescore: options.rescore ?? false,
        });
        const out = outcome.record
          ? {
              trained: true,
              version: outcome.record.version,
              rows: outcome.rows,
              params: outcome.record.params,
              threshold: outcome.record.summary.threshold,
              scores: outcome.record.summary.scores,
              flags_emitted: service.emitted(),
            }
          : { trained: false, rows: outcome.rows, skipped: outcome.skipped };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } finally {
        await service.close();
        await opened.close();
      }
    });
}
