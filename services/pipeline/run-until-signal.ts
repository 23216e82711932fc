import type { Logger } from 'pino';

export interface Runnable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RunUntilSignalOptions {
  logger: Logger;
  /** Default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /** Injected for tests; default the real process. */
  proc?: Pick<NodeJS.Process, 'once' | 'removeListener' | 'exit'>;
}

/**
 * Starts `service` and runs it until a signal; then stops it gracefully (the batch in hand
 * finishes, is committed, clients disconnect) and resolves. A second signal during the graceful
 * stop exits at once with code 130: an operator who insists gets their shell back, and nothing is
 * lost because uncommitted batches are redelivered.
 */
export async function runUntilSignal(
  service: Runnable,
  options: RunUntilSignalOptions,
): Promise<NodeJS.Signals> {
  const proc = options.proc ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const log = options.logger.child({ component: 'pipeline.lifecycle' });
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      proc.exit(130);
      return;
    }
    stopping = true;
    onSignal(signal);
  };
  for (const s of signals) proc.once(s, handler);
  // Each `once` is consumed by the first signal; listen again for the second one.
  const again = (signal: NodeJS.Signals) => handler(signal);
  try {
    await service.start();
    log.info('started');
    const signal = await received;
    for (const s of signals) proc.once(s, again);
    log.info({ signal }, 'stopping: finishing the batch in hand');
    await service.stop();
    log.info('stopped');
    return signal;
  } finally {
    for (const s of signals) {
      proc.removeListener(s, handler);
      proc.removeListener(s, again);
    }
  }
}
