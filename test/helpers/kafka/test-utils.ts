import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** A name no other test (or earlier run on the same broker) uses: `prefix.<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(6).toString('hex')}`;
}

/** A kafkajs client for tests: quiet (failures surface as test errors) and quick to give up. */
export function createTestKafka(brokers: string, clientId = 'vigie-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}

export interface WaitForOptions {
  timeoutMs?: number;
  /** Said in the error when the condition never holds. */
  what?: string;
}

/** Polls `condition` until it holds; rejects after `timeoutMs` (default 30 s). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 30_000, what = 'condition' }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
