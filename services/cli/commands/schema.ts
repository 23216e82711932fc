import type { Command } from 'commander';
import { contractJsonSchema } from '../../../streams/contract/index.ts';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the event contract as JSON Schema (draft 2020-12)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(contractJsonSchema(), null, 2)}\n`);
    });
}
