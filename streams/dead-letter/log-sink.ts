import type { Logger } from 'pino';
import { formatOrigin } from '../contract/index.ts';
import type { DeadLetter, DeadLetterSink } from './dead-letter.ts';

/**
 * Dead letters to the log (code, reason, source coordinates; never the bytes): the fallback when
 * a replay has no `--rejects-out`, so that a reject is at least listed, not dropped.
 */
export function createLogDeadLetterSink(logger: Logger): DeadLetterSink {
  const log = logger.child({ component: 'streams.dead-letter' });
  return {
    async write(letters: readonly DeadLetter[]): Promise<void> {
      for (const l of letters) {
        log.warn({ code: l.code, origin: formatOrigin(l.origin), size: l.size }, l.reason);
      }
    },
    async close(): Promise<void> {},
  };
}
