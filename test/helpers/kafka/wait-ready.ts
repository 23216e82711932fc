import { Kafka, logLevel } from 'kafkajs';

export interface WaitReadyOptions {
  brokers: string[];
  timeoutMs: number;
  /** Stops waiting early, e.g. when the broker process died; returns the reason. */
  abortReason?: () => string | undefined;
}

/**
 * Waits until the cluster answers a metadata request (kafkajs `describeCluster`), polling
 * within a bounded time. Resolves with the broker count; rejects with the last error.
 */
export async function waitForBroker({
  brokers,
  timeoutMs,
  abortReason,
}: WaitReadyOptions): Promise<number> {
  const kafka = new Kafka({
    clientId: 'vigie-test-harness',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    // We loop ourselves, so each attempt fails fast and the loop owns the time limit.
    retry: { retries: 0 },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const aborted = abortReason?.();
    if (aborted) throw new Error(aborted);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return cluster.brokers.length;
      lastError = new Error('the cluster has no controller yet');
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `Kafka at ${brokers.join(',')} did not answer within ${timeoutMs} ms: ${
      (lastError as Error | undefined)?.message ?? 'no attempt made'
    }`,
    { cause: lastError },
  );
}
