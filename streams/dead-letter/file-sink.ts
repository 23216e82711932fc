import { open, type FileHandle } from 'node:fs/promises';
import { toDeadLetterRecord, type DeadLetter, type DeadLetterSink } from './dead-letter.ts';

export interface FileDeadLetterSinkOptions {
  /** The rejects file (NDJSON, one dead letter per line); created or truncated on first write. */
  path: string;
}

/** Dead letters to an NDJSON rejects file (`vigie replay --rejects-out`). */
export function createFileDeadLetterSink(options: FileDeadLetterSinkOptions): DeadLetterSink {
  let handle: FileHandle | undefined;
  return {
    async write(letters: readonly DeadLetter[]): Promise<void> {
      if (letters.length === 0) return;
      handle ??= await open(options.path, 'w');
      const text = letters.map((l) => `${JSON.stringify(toDeadLetterRecord(l))}\n`).join('');
      await handle.write(text);
    },
    async close(): Promise<void> {
      // An empty rejects file still says "no rejects" rather than leaving a stale one around.
      handle ??= await open(options.path, 'w');
      await handle.sync();
      await handle.close();
      handle = undefined;
    },
  };
}
