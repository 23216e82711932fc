import { appendFile } from 'node:fs/promises';
import type { SellerFlagged } from '../../../streams/contract/index.ts';
import type { FlagSink } from '../detector-loop.ts';

/** Flags appended to an NDJSON file, one event a line (`vigie replay --flags-out F`). */
export function createNdjsonFlagSink(path: string): FlagSink & { count(): number } {
  let count = 0;
  return {
    async send(flags: readonly SellerFlagged[]) {
      if (flags.length === 0) return;
      await appendFile(path, flags.map((f) => `${JSON.stringify(f)}\n`).join(''), 'utf8');
      count += flags.length;
    },
    count: () => count,
  };
}
