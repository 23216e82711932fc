import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemoryReading {
  rss: number;
  heapUsed: number;
}

let gcFn: (() => void) | undefined;

/**
 * A full garbage collection, so heap figures count live objects only. `--expose-gc` set at run
 * time exposes `gc` to contexts created afterwards: a fresh context hands it over.
 */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    const fromGlobal = (globalThis as { gc?: () => void }).gc;
    if (fromGlobal) gcFn = fromGlobal;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
  gcFn();
}

export function readMemory(): MemoryReading {
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}
