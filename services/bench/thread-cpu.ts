/**
 * CPU time per thread of this process, and of the whole machine, from /proc (Linux only; empty
 * elsewhere). The bench's process runs chDB's threads (named by ClickHouse: `MergeMutate`,
 * `QueryPipelineEx`, …), V8's and libuv's (all named `node`, as Node's worker threads are; libuv's
 * are told apart by `nameLibuvPool`) and its own worker threads; a worker that registers its
 * thread id (`ownThreadId`) is told apart by the name it registers under. The machine's CPU covers what the process does not see: the broker.
 */
import { pbkdf2 } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Threads registered under a name of their own (a bench's worker threads), by thread id. */
const registered = new Map<string, string>();

/** Counts `tid` under `name` from now on (a worker posts its `ownThreadId()`). */
export function nameThread(tid: string, name: string): void {
  registered.set(tid, name);
}

/**
 * Names libuv's pool threads `libuv` (chDB runs each statement's own work there, off the event
 * loop), so that `node` is left with V8's helpers (concurrent GC and compilation) and the rest.
 * The pool is handed CPU work (6 rounds of 8 key derivations of ~10 ms) and the `poolSize`
 * `node` threads that ran the most of it are the pool's: on two cores some of its threads may sit
 * a round out, and a V8 helper may run a few ms meanwhile. Call once, early, on an idle process.
 */
export async function nameLibuvPool(poolSize: number): Promise<void> {
  const gained = new Map<string, number>();
  for (let round = 0; round < 6; round += 1) {
    const before = threadTimes();
    await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<void>((resolve, reject) =>
            pbkdf2('vigie', 'bench', 20_000, 32, 'sha256', (err) =>
              err ? reject(err) : resolve(),
            ),
          ),
      ),
    );
    for (const [tid, t] of threadTimes()) {
      if (t.name !== 'node') continue;
      gained.set(tid, (gained.get(tid) ?? 0) + t.ms - (before.get(tid)?.ms ?? 0));
    }
  }
  const pool = [...gained].sort((a, b) => b[1] - a[1]).slice(0, poolSize);
  for (const [tid, ms] of pool) if (ms >= 5) registered.set(tid, 'libuv');
}

export interface ThreadTime {
  name: string;
  /** Run time so far, ms (schedstat). */
  ms: number;
}

/**
 * Run time so far of each live thread, by thread id, with its name: `main` for the main thread,
 * the name it was registered under (`nameThread`), else the thread's own name.
 */
export function threadTimes(): Map<string, ThreadTime> {
  const out = new Map<string, ThreadTime>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  const main = String(process.pid);
  for (const tid of tids) {
    try {
      const name =
        tid === main
          ? 'main'
          : (registered.get(tid) ?? readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim());
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      out.set(tid, { name, ms: ns / 1e6 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** Adds the CPU ms per thread name between two readings to `into` (ended threads are lost). */
export function threadDelta(
  before: ReadonlyMap<string, ThreadTime>,
  after: ReadonlyMap<string, ThreadTime>,
  into: Record<string, number>,
): void {
  for (const [tid, t] of after) {
    const d = t.ms - (before.get(tid)?.ms ?? 0);
    if (d > 0) into[t.name] = (into[t.name] ?? 0) + d;
  }
}

/** The calling thread's id (a worker thread's own), or undefined off Linux. */
export function ownThreadId(): string | undefined {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop();
  } catch {
    return undefined;
  }
}

/** The machine's busy CPU time so far (every state but idle and iowait), in clock ticks. */
function machineBusyTicks(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return v.reduce((s, x) => s + x, 0) - v[3]! - v[4]!;
  } catch {
    return undefined;
  }
}

/** What the process's threads and the machine spent since a `cpuWatch` started. */
export interface CpuSpent {
  /** CPU seconds per thread name, largest first, names under 0.05 s left out; empty off Linux. */
  threads_s: Record<string, number>;
  /** Cores the whole machine kept busy (every process), when /proc/stat is readable. */
  machine_busy_cores?: number;
}

/** Starts counting the CPU per thread of this process and the machine's busy time. */
export function cpuWatch(): { spent(): CpuSpent } {
  const threads0 = threadTimes();
  const busy0 = machineBusyTicks();
  const at0 = performance.now();
  return {
    spent() {
      const perThread: Record<string, number> = {};
      threadDelta(threads0, threadTimes(), perThread);
      const busy = machineBusyTicks();
      const wallMs = performance.now() - at0;
      const threads_s: Record<string, number> = {};
      for (const [name, ms] of Object.entries(perThread).sort((a, b) => b[1] - a[1])) {
        if (ms >= 50) threads_s[name] = Math.round(ms / 100) / 10;
      }
      // /proc/stat counts in USER_HZ, 100 per second on Linux: busy ticks × 10 ms per wall ms.
      return busy0 !== undefined && busy !== undefined && wallMs > 0
        ? { threads_s, machine_busy_cores: Math.round(((busy - busy0) * 1000) / wallMs) / 100 }
        : { threads_s };
    },
  };
}
