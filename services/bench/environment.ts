import { execFile } from 'node:child_process';
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
}

export const loadAverage = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

export async function describeMachine(): Promise<MachineInfo> {
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
  };
}
