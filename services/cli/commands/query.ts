import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadApiConfig } from '../../api/index.ts';
import {
  formatRows,
  openAppStore,
  OUTPUT_FORMATS,
  runAuditedQuery,
  type OutputFormat,
} from '../../app/index.ts';
import { createLogger } from '../../shared/logger.ts';

interface QueryOptions {
  format: OutputFormat;
  param: Record<string, string>;
  dataDir?: string;
  actor?: string;
}

/** Who ran a command, for the audit log: `--actor`, else the operating-system user. */
export function cliActor(actor: string | undefined): string {
  if (actor !== undefined && actor !== '') return actor;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * Collects `--param name=value` (repeatable) into the values of the statement's `{name:Type}`
 * placeholders. Values stay text: ClickHouse parses each as its placeholder's type.
 */
export function collectParam(
  spec: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? '' : spec.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
    throw new InvalidArgumentError(`expected name=value with a parameter name, got "${spec}"`);
  }
  if (Object.hasOwn(previous, name))
    throw new InvalidArgumentError(`parameter ${name} given twice`);
  return { ...previous, [name]: spec.slice(eq + 1) };
}

/** `vigie query "SQL"`: one read-only statement, with the API's limits, audited. */
export function registerQuery(program: Command): void {
  program
    .command('query')
    .description(
      'run one read-only SQL statement on the store (SELECT, SHOW, DESCRIBE, EXPLAIN) with row, ' +
        'byte and time limits; writes are refused (exit 2)',
    )
    .argument('<sql>', 'the statement, e.g. "SELECT count() FROM flags_current"')
    .addOption(
      new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'),
    )
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .option('--actor <name>', 'who runs it, for the audit log (default: cli:<user>)')
    .option(
      '--param <name=value>',
      'value of a {name:Type} placeholder, bound by ClickHouse (repeatable), e.g. --param seller=s-1',
      collectParam,
      {},
    )
    .action(async (sql: string, options: QueryOptions) => {
      const config = loadApiConfig();
      const logger = createLogger({ level: config.LOG_LEVEL });
      const opened = await openAppStore({
        config,
        dataDir: options.dataDir ?? config.VIGIE_DATA_DIR,
        logger,
      });
      try {
        const result = await runAuditedQuery(
          opened.store,
          sql,
          cliActor(options.actor),
          config,
          Date.now,
          options.param,
        );
        process.stdout.write(formatRows(result.rows, options.format));
      } finally {
        await opened.close();
      }
    });
}
