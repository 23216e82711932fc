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

/** `vigie serve`: the HTTP API over the store, with HTTP ingest and the detector loop. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the HTTP API over the store (embedded chDB, or CLICKHOUSE_URL), with NDJSON ingest ' +
        'through the pipeline and the detector loop (no Kafka); prints {"url": …} once listening, ' +
        'stops on SIGINT/SIGTERM',
    )
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .option('--port <n>', 'TCP port, 0 for a free one (default: $VIGIE_API_PORT or 8080)', port)
    .option('--host <addr>', 'listen address (default: $VIGIE_API_HOST or 127.0.0.1)')
    .action(async (options: ServeOptions) => {
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
      });
      await runUntilSignal(
        {
          async start() {
            await service.start();
            if ((await loadKeyFile(keysFile)).length === 0) {
              process.stderr.write(
                `vigie serve: no API key in ${keysFile}; every /v1 route answers 401 until one ` +
                  'is created: vigie keys create --id NAME --role ROLE\n',
              );
            }
            process.stdout.write(`${JSON.stringify({ url: service.url, keys_file: keysFile })}\n`);
          },
          stop: () => service.stop(),
        },
        { logger },
      );
    });
}
