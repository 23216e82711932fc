import type { DeadLetter, DeadLetterSink } from './dead-letter.ts';

/** Keeps dead letters in memory: for HTTP ingest (answered in the 4xx body) and unit tests. */
export function createCollectingDeadLetterSink(): DeadLetterSink & { letters: DeadLetter[] } {
  const letters: DeadLetter[] = [];
  return {
    letters,
    async write(batch: readonly DeadLetter[]): Promise<void> {
      letters.push(...batch);
    },
    async close(): Promise<void> {},
  };
}
