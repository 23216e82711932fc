import type { Command } from 'commander';
import { eraseSeller } from '../../../features/store/index.ts';
import { loadApiConfig } from '../../api/index.ts';
import { openAppStore } from '../../app/index.ts';
import { createLogger } from '../../shared/logger.ts';

/** `vigie erase --seller ID --actor NAME`: GDPR art. 17 erasure, audited; prints what it did. */
export function registerErase(program: Command): void {
  program
    .command('erase')
    .description(
      "erase a seller's personal data from every table (GDPR art. 17); flags are kept under a " +
        'pseudonym for DSA accountability. Prints the rows deleted, pseudonymised and scrubbed ' +
        'per table as JSON; an audit_log entry records who asked',
    )
    .requiredOption('--seller <id>', 'the seller id to erase')
    .requiredOption('--actor <name>', 'who asks (staff account), recorded in the audit log')
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .action(async (options: { seller: string; actor: string; dataDir?: string }) => {
      const config = loadApiConfig();
      const logger = createLogger({ level: config.LOG_LEVEL });
      const opened = await openAppStore({
        config,
        dataDir: options.dataDir ?? config.VIGIE_DATA_DIR,
        logger,
      });
      try {
        const report = await eraseSeller(opened.executor, options.seller, { actor: options.actor });
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } finally {
        await opened.close();
      }
    });
}
