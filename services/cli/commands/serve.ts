import { InvalidArgumentError, type Command } from 'commander';
import { apiKeysFile, loadApiConfig, loadKeyFile } from '../../api/index.ts';
import { createLocalService } from '../../app/index.ts';
import { loadDetectorConfig } from '../../detector/index.ts';
import { loadPipelineConfig, runUntilSignal } from '../../pipeline/index.ts';
import { createLogger } from '../../shared/logger.ts';

interface ServeOptions {
  dataDir?: string;
  port?: number;
  host?: string;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  }
  return n;
}

function withServiceOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .option('--port <n>', 'TCP port, 0 for a free one (default: $VIGIE_API_PORT or 8080)', port)
    .option('--host <addr>', 'listen address (default: $VIGIE_API_HOST or 127.0.0.1)');
}

/** `vigie serve`: the HTTP API over the store, with HTTP ingest and the detector loop. */
export function registerServe(program: Command): void {
  withServiceOptions(
    program
      .command('serve')
      .description(
        'serve the HTTP API over the store (embedded chDB, or CLICKHOUSE_URL), with NDJSON ingest ' +
          'through the pipeline and the detector loop (no Kafka); prints {"url": …} once ' +
          'listening, stops on SIGINT/SIGTERM',
      ),
  ).action((options: ServeOptions) => runService(options, 'serve', false));
}

/**
 * `vigie start`: the service. Kafka consumers (main and priority topics) when KAFKA_BROKERS is
 * set, the detector loop with flags to `vigie.seller-flags` and webhooks, and the HTTP API;
 * embedded chDB unless CLICKHOUSE_URL is set.
 */
export function registerStart(program: Command): void {
  withServiceOptions(
    program
      .command('start')
      .description(
        'the service: Kafka consumers when KAFKA_BROKERS is set, the detector loop and the HTTP ' +
          'API; embedded chDB unless CLICKHOUSE_URL is set; stops cleanly on SIGINT/SIGTERM',
      ),
  ).action(async (options: ServeOptions) => {
    const pipeline = loadPipelineConfig();
    await runService(options, 'start', pipeline.KAFKA_BROKERS !== undefined);
  });
}

async function runService(options: ServeOptions, name: string, kafka: boolean): Promise<void> {
  const api = loadApiConfig();
  const pipeline = loadPipelineConfig();
  const detector = loadDetectorConfig();
  const logger = createLogger({ level: api.LOG_LEVEL });
  const dataDir = options.dataDir ?? api.VIGIE_DATA_DIR;
  const keysFile = apiKeysFile(api, dataDir);
  const service = createLocalService({
    dataDir,
    api,
    pipeline,
    detector,
    keysFile,
    host: options.host ?? api.VIGIE_API_HOST,
    port: options.port ?? api.VIGIE_API_PORT,
    logger,
    kafka,
  });
  await runUntilSignal(
    {
      async start() {
        await service.start();
        if ((await loadKeyFile(keysFile)).length === 0) {
          process.stderr.write(
            `vigie ${name}: no API key in ${keysFile}; every /v1 route answers 401 until one ` +
              'is created: vigie keys create --id NAME --role ROLE\n',
          );
        }
        process.stdout.write(
          `${JSON.stringify({ url: service.url, keys_file: keysFile, kafka })}\n`,
        );
      },
      stop: () => service.stop(),
    },
    { logger },
  );
}
