/**
 * Serialises batches through the stateful part of the pipeline (dedup check, store write, feature
 * engine), with priority batches served first. So a trusted-flagger notice waits for at most the
 * one batch in progress, never for the queue of ordinary batches behind it.
 */
export interface LaneLock {
  run<T>(priority: boolean, fn: () => Promise<T>): Promise<T>;
  /** Batches waiting, by lane (for tests and health). */
  waiting(): { priority: number; main: number };
}

export function createLaneLock(): LaneLock {
  let busy = false;
  const priorityQueue: Array<() => void> = [];
  const mainQueue: Array<() => void> = [];

  const release = (): void => {
    const next = priorityQueue.shift() ?? mainQueue.shift();
    if (next) next();
    else busy = false;
  };

  const acquire = (priority: boolean): Promise<void> => {
    if (!busy) {
      busy = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => (priority ? priorityQueue : mainQueue).push(resolve));
  };

  return {
    async run(priority, fn) {
      await acquire(priority);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    waiting: () => ({ priority: priorityQueue.length, main: mainQueue.length }),
  };
}
