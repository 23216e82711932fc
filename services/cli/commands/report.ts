import { InvalidArgumentError, Option, type Command } from 'commander';
import { Rfc3339Schema } from '../../../streams/contract/index.ts';
import { VigieError } from '../../../streams/errors.ts';
import { loadApiConfig } from '../../api/index.ts';
import { openAppStore, toCsv, transparencyReport, transparencyRows } from '../../app/index.ts';
import { createLogger } from '../../shared/logger.ts';

interface ReportOptions {
  from: Date;
  to: Date;
  format: 'json' | 'csv';
  dataDir?: string;
}

function instant(value: string): Date {
  if (!Rfc3339Schema.safeParse(value).success) {
    throw new InvalidArgumentError('expected an RFC 3339 time, e.g. 2026-03-01T00:00:00Z');
  }
  return new Date(value);
}

/** `vigie report`: the transparency figures of /v1/reports/transparency, as JSON or CSV. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'DSA-style transparency figures for [from, to) in event time: notices, takedowns, median ' +
        'time from notice to takedown, flags by kind and outcome',
    )
    .requiredOption('--from <time>', 'start of the period, RFC 3339 (included)', instant)
    .requiredOption('--to <time>', 'end of the period, RFC 3339 (excluded)', instant)
    .addOption(
      new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'),
    )
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .action(async (options: ReportOptions) => {
      if (!(options.from < options.to)) {
        throw new VigieError('BAD_REQUEST', '--from must be before --to');
      }
      const config = loadApiConfig();
      const logger = createLogger({ level: config.LOG_LEVEL });
      const opened = await openAppStore({
        config,
        dataDir: options.dataDir ?? config.VIGIE_DATA_DIR,
        logger,
      });
      try {
        const report = await transparencyReport(opened.executor, options.from, options.to);
        process.stdout.write(
          options.format === 'csv'
            ? toCsv(transparencyRows(report))
            : `${JSON.stringify(report, null, 2)}\n`,
        );
      } finally {
        await opened.close();
      }
    });
}
