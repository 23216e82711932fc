import { Option, type Command } from 'commander';
import { VigieError } from '../../../streams/errors.ts';
import {
  apiKeysFile,
  createKey,
  loadApiConfig,
  loadKeyFile,
  revokeKey,
  ROLES,
  type Role,
} from '../../api/index.ts';
import { formatRows } from '../../app/index.ts';

interface KeyFileOptions {
  keysFile?: string;
  dataDir?: string;
}

function keyFileOf(options: KeyFileOptions): string {
  const config = loadApiConfig();
  if (options.keysFile) return options.keysFile;
  return apiKeysFile(config, options.dataDir ?? config.VIGIE_DATA_DIR);
}

function withFileOptions(command: Command): Command {
  return command
    .option(
      '--keys-file <file>',
      'key file (default: $VIGIE_API_KEYS_FILE or <data dir>/api-keys.json)',
    )
    .option('--data-dir <dir>', 'data directory holding api-keys.json (default: $VIGIE_DATA_DIR)');
}

/** `vigie keys create|list|revoke`: API keys, stored hashed; a secret is shown once. */
export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('manage API keys (roles: platform, analyst, reviewer, admin); stored hashed');

  withFileOptions(
    keys
      .command('create')
      .description('create a key; prints its secret once on stdout (it is not stored)')
      .requiredOption('--id <name>', 'key name: 1-64 of A-Z a-z 0-9 _ . -')
      .addOption(
        new Option('--role <role>', 'what the key may do').choices(ROLES).makeOptionMandatory(),
      ),
  ).action(async (options: KeyFileOptions & { id: string; role: Role }) => {
    const file = keyFileOf(options);
    const { secret, record } = await createKey(file, options.id, options.role);
    process.stderr.write(
      `key ${record.id} (${record.role}) created in ${file}; keep the secret now, it is not shown again\n`,
    );
    process.stdout.write(`${secret}\n`);
  });

  withFileOptions(
    keys
      .command('list')
      .description('list keys: id, role, creation time (never the secret)')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['json', 'table'])
          .default('table'),
      ),
  ).action(async (options: KeyFileOptions & { format: 'json' | 'table' }) => {
    const records = await loadKeyFile(keyFileOf(options));
    const rows = records.map((r) => ({ id: r.id, role: r.role, created_at: r.created_at }));
    process.stdout.write(formatRows(rows, options.format));
  });

  withFileOptions(
    keys
      .command('revoke')
      .description('remove a key; a running API refuses it within seconds')
      .requiredOption('--id <name>', 'key name'),
  ).action(async (options: KeyFileOptions & { id: string }) => {
    if (!(await revokeKey(keyFileOf(options), options.id))) {
      throw new VigieError('BAD_REQUEST', `no API key with id ${options.id}`);
    }
    process.stderr.write(`key ${options.id} revoked\n`);
  });
}
