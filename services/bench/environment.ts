import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the figures were measured on: they mean little without the machine and its load. */
export interface MachineInfo {
  cpus: number;
  cpu_model: string;
  memory_gib: number;
  node: string;
  load_average_start: number[];
  load_average_end: number[];
  kafka?: string;
  commit?: string;
  /**
   * Node and V8 options the process ran with (`NODE_OPTIONS` and the command line's), when any:
   * a flag such as `--max-semi-space-size` changes the figures, and the command does not show it.
   */
  node_options?: string[];
  /**
   * The C allocator's environment (`LD_PRELOAD`, `GLIBC_TUNABLES`, `MALLOC_*`), when any is set:
   * chDB allocates through it, and what it keeps resident is part of the memory figure.
   */
  allocator?: Record<string, string>;
  /**
   * The embedded engine's merge threads' nice value (VIGIE_CHDB_MERGE_NICE), and whether the
   * process has CAP_SYS_NICE, without which ClickHouse does not apply it (`null`: unknown, not
   * Linux). Since the eighteenth session; earlier reports ran their merges at nice 0.
   */
  chdb_merge_nice?: { value: number; applied: boolean | null };
  /**
   * libuv's thread pool size (UV_THREADPOOL_SIZE, which `vigie` sets to 16 unless given; Node's
   * default is 4): chDB runs its statements there. Since the twenty-third session.
   */
  uv_threadpool_size?: number;
}

/** CAP_SYS_NICE's bit in the capability sets of /proc/<pid>/status. */
const CAP_SYS_NICE = 23n;

/**
 * Whether the effective capabilities in a /proc/<pid>/status text include CAP_SYS_NICE; `null`
 * when the text has no `CapEff` line.
 */
export function hasCapSysNice(status: string): boolean | null {
  const match = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  if (!match) return null;
  return ((BigInt(`0x${match[1]}`) >> CAP_SYS_NICE) & 1n) === 1n;
}

async function capSysNice(): Promise<boolean | null> {
  try {
    return hasCapSysNice(await readFile('/proc/self/status', 'utf8'));
  } catch {
    return null;
  }
}

/** The environment variables that choose or tune the C allocator, in the report's order. */
export const ALLOCATOR_VARIABLES = [
  'LD_PRELOAD',
  'GLIBC_TUNABLES',
  'MALLOC_ARENA_MAX',
  'MALLOC_TRIM_THRESHOLD_',
  'MALLOC_MMAP_THRESHOLD_',
] as const;

export type AllocatorEnv = Partial<Record<(typeof ALLOCATOR_VARIABLES)[number], string>>;

/** The allocator variables that are set (non-empty), or nothing when none is. */
export function allocatorSettings(env: AllocatorEnv): { allocator?: Record<string, string> } {
  const set = ALLOCATOR_VARIABLES.flatMap((name) => {
    const value = env[name];
    return value === undefined || value === '' ? [] : [[name, value] as const];
  });
  return set.length === 0 ? {} : { allocator: Object.fromEntries(set) };
}

export const loadAverage = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

export async function describeMachine(
  nodeOptionsEnv?: string,
  allocatorEnv: AllocatorEnv = {},
  chdbMergeNice?: number,
  uvThreadpoolSize?: number,
): Promise<MachineInfo> {
  const list = cpus();
  let commit: string | undefined;
  try {
    const { stdout } = await run('git', ['describe', '--always', '--dirty'], { timeout: 5_000 });
    commit = stdout.trim() || undefined;
  } catch {
    // Not a git checkout (an installed package): the commit is simply unknown.
  }
  return {
    cpus: list.length,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    load_average_start: loadAverage(),
    load_average_end: [],
    ...(commit === undefined ? {} : { commit }),
    ...nodeOptions(nodeOptionsEnv),
    ...allocatorSettings(allocatorEnv),
    ...(chdbMergeNice === undefined
      ? {}
      : { chdb_merge_nice: { value: chdbMergeNice, applied: await capSysNice() } }),
    ...(uvThreadpoolSize === undefined ? {} : { uv_threadpool_size: uvThreadpoolSize }),
  };
}

/**
 * `NODE_OPTIONS` (as read by the bench's config) then the process's own Node flags, or nothing
 * when neither is set.
 */
export function nodeOptions(
  fromEnvironment: string | undefined,
  execArgv: readonly string[] = process.execArgv,
): { node_options?: string[] } {
  const fromEnv = (fromEnvironment ?? '').split(/\s+/).filter((o) => o !== '');
  const all = [...fromEnv, ...execArgv];
  return all.length === 0 ? {} : { node_options: all };
}
