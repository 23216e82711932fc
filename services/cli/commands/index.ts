import type { Command } from 'commander';
import { registerSchema } from './schema.ts';

/** Every `vigie` sub-command registers itself here, one line each. */
export function registerCommands(program: Command): void {
  registerSchema(program);
}
