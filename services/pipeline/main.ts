// The ingestion service as a process: `node --import tsx services/pipeline/main.ts`.
// Runs until SIGTERM/SIGINT, then finishes the batch in hand, commits and exits 0.
import { createLogger } from '../shared/logger.ts';
import { loadPipelineConfig } from './config.ts';
import { runUntilSignal } from './run-until-signal.ts';
import { createIngestion } from './start-ingestion.ts';

const config = loadPipelineConfig();
const logger = createLogger({ level: config.LOG_LEVEL });
try {
  await runUntilSignal(createIngestion({ config, logger }), { logger });
  logger.flush();
} catch (err) {
  logger.fatal({ err }, 'ingestion service failed');
  logger.flush();
  process.exitCode = 1;
}
