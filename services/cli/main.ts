import { Command, CommanderError } from 'commander';
import { VigieError } from '../../streams/errors.ts';
import { registerCommands } from './commands/index.ts';

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  unavailable: 4,
} as const;

export function buildProgram(): Command {
  const program = new Command('vigie')
    .description('Vigie: finds recidivist and evasive sellers in a marketplace event stream')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof VigieError) {
    if (err.code === 'INVALID_CONFIG') return EXIT.config;
    if (err.code === 'BAD_REQUEST' || err.code === 'READONLY_VIOLATION') return EXIT.usage;
    if (err.code === 'STORE_UNAVAILABLE' || err.code === 'BROKER_UNAVAILABLE') {
      return EXIT.unavailable;
    }
  }
  return EXIT.failure;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return exitCodeFor(err);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`vigie: ${message}\n`);
    return exitCodeFor(err);
  }
}
