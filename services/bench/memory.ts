import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ClickHouseExecutor } from '../../features/store/index.ts';
import { createRecentIds } from '../pipeline/recent-ids.ts';

export interface MemoryReading {
  rss: number;
  heapUsed: number;
  /** Pages V8 holds for its heap, used or not. */
  heapTotal: number;
  /** Memory of C++ objects tied to JavaScript ones (Buffers included). */
  external: number;
  arrayBuffers: number;
  /**
   * Resident pages of mapped files (Linux `RssFile`): mostly libchdb.so's code, paged in as
   * code paths first run. Clean and shared, the kernel can drop them; undefined off Linux.
   */
  rssFile?: number;
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
  const rssFile = readRssFile();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    ...(rssFile === undefined ? {} : { rssFile }),
  };
}

/** `RssFile` of /proc/self/status, in bytes; undefined where there is no such file. */
function readRssFile(): number | undefined {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
  const kb = /^RssFile:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** What the embedded ClickHouse says it holds. */
export interface ChdbMemoryReading {
  /** `system.metrics` MemoryTracking: every allocation ClickHouse's tracker counts. */
  tracked: number;
  /** Active MergeTree parts, and the primary-key bytes they keep in memory. */
  parts: number;
  primaryKeyBytes: number;
  /**
   * Background merges running at the reading, and the memory they hold (`system.merges`): work
   * in flight, not state. Usually counted in `tracked` too (205 of 231 MB in a 1M run), but the
   * tracker can lag behind a merge (a test saw 22 MB of merge against 10 MB tracked).
   */
  merges: number;
  mergesBytes: number;
  /** chDB's caches holding bytes at the reading (`system.metrics` `…CacheBytes`), by name. */
  caches: Record<string, number>;
}

/** The `system.metrics` cache sizes worth a look in an embedded store. */
const CACHE_METRICS = [
  'MarkCacheBytes',
  'UncompressedCacheBytes',
  'PrimaryIndexCacheBytes',
  'IndexMarkCacheBytes',
  'IndexUncompressedCacheBytes',
  'PageCacheBytes',
  'QueryCacheBytes',
  'QueryConditionCacheBytes',
  'CompiledExpressionCacheBytes',
] as const;

/**
 * chDB's own memory figures, through any executor on the process's session (they are
 * process-wide, whatever the database). A server's figures are not this process's: undefined.
 * chDB has no `system.asynchronous_metrics` (no jemalloc or resident figures).
 */
export async function readChdbMemory(
  executor: ClickHouseExecutor,
): Promise<ChdbMemoryReading | undefined> {
  if (executor.kind !== 'chdb') return undefined;
  const wanted = ['MemoryTracking', ...CACHE_METRICS];
  const metrics = await executor.query<{ metric: string; value: string | number }>(
    `SELECT metric, value FROM system.metrics
      WHERE metric IN (${wanted.map((m) => `'${m}'`).join(', ')})`,
  );
  const value = new Map(metrics.map((m) => [m.metric, Number(m.value)]));
  const [parts] = await executor.query<{ parts: string | number; pk: string | number }>(
    `SELECT count() AS parts, sum(primary_key_bytes_in_memory_allocated) AS pk
       FROM system.parts WHERE active`,
  );
  // `system.merges`, not the Merge and MergesMutationsMemoryTracking metrics: chDB leaves the
  // latter at 0 while merges run.
  const [merges] = await executor.query<{ merges: string | number; bytes: string | number }>(
    `SELECT count() AS merges, sum(memory_usage) AS bytes FROM system.merges`,
  );
  const caches: Record<string, number> = {};
  for (const name of CACHE_METRICS) {
    const bytes = value.get(name) ?? 0;
    if (bytes > 0) caches[name] = bytes;
  }
  return {
    tracked: value.get('MemoryTracking') ?? 0,
    parts: Number(parts?.parts ?? 0),
    primaryKeyBytes: Number(parts?.pk ?? 0),
    merges: Number(merges?.merges ?? 0),
    mergesBytes: Number(merges?.bytes ?? 0),
    caches,
  };
}

/**
 * Heap bytes a recent-id cache of `capacity` holds after `ids` distinct ids went through it in
 * batches of `batchSize`: a replica is filled with ids shaped like the simulator's
 * (`xxxxxxx-123456`, made by JSON.parse as the pipeline's are), measured after a full GC on
 * either side, and dropped. The pipeline's own cache is not reachable from outside it.
 */
export function measureRecentIdsHeap(capacity: number, ids: number, batchSize: number): number {
  const before = readMemory().heapUsed;
  const cache = createRecentIds(capacity);
  for (let start = 0; start < ids; start += batchSize) {
    const n = Math.min(batchSize, ids - start);
    const batch = JSON.parse(
      JSON.stringify(Array.from({ length: n }, (_, i) => `ebcri65-${start + i}`)),
    ) as string[];
    cache.addAll(batch);
  }
  const after = readMemory().heapUsed;
  // Keeps the replica alive through the second reading.
  return cache.size >= 0 ? Math.max(0, after - before) : 0;
}
