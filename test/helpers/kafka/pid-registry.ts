import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isAlive, readCmdline, stopProcessGroup } from './process-group.ts';

/** What a run records about the broker it started, so a later run can clean up after it. */
export interface BrokerRecord {
  pid: number;
  cmdline: string[];
  /** The test run (vitest main process) that owns the broker. */
  ownerPid: number;
  ownerCmdline: string[];
  /** Temporary directory with the broker's data, config and log. */
  workDir: string;
  startedAt: string;
}

/** Prefix of the broker's temporary directory; stale-broker cleanup deletes only these. */
export const WORK_DIR_PREFIX = 'vigie-kafka-';

function sameCmdline(pid: number, expected: string[]): boolean {
  const actual = readCmdline(pid);
  return actual !== undefined && actual.join('\0') === expected.join('\0');
}

export function createPidRegistry(cacheDir: string) {
  const dir = join(cacheDir, 'brokers');
  const fileOf = (pid: number) => join(dir, `${pid}.json`);

  return {
    dir,

    async record(entry: BrokerRecord): Promise<void> {
      await mkdir(dir, { recursive: true });
      await writeFile(fileOf(entry.pid), `${JSON.stringify(entry, null, 2)}\n`);
    },

    async forget(pid: number): Promise<void> {
      await rm(fileOf(pid), { force: true });
    },

    /**
     * Stops brokers left by runs that died (killed mid-way, so their teardown never ran).
     * A broker is only touched when its pid still runs the recorded command line (pids get
     * reused) and its owning run is gone (two runs at once must not kill each other's broker).
     * Returns the pids stopped.
     */
    async reapStale(log: (line: string) => void): Promise<number[]> {
      let names: string[];
      try {
        names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
      } catch {
        return [];
      }
      const stopped: number[] = [];
      for (const name of names) {
        const path = join(dir, name);
        let entry: BrokerRecord;
        try {
          entry = JSON.parse(await readFile(path, 'utf8')) as BrokerRecord;
        } catch {
          await rm(path, { force: true });
          continue;
        }
        const ownerRuns =
          isAlive(entry.ownerPid) && sameCmdline(entry.ownerPid, entry.ownerCmdline);
        if (ownerRuns) continue;
        if (isAlive(entry.pid) && sameCmdline(entry.pid, entry.cmdline)) {
          log(`[vigie] stopping stale Kafka broker pid ${entry.pid} left by run ${entry.ownerPid}`);
          await stopProcessGroup(entry.pid, { graceMs: 5_000 });
          stopped.push(entry.pid);
        }
        // Only ever delete what the harness made, whatever a damaged record says.
        if (basename(entry.workDir).startsWith(WORK_DIR_PREFIX)) {
          await rm(entry.workDir, { recursive: true, force: true });
        }
        await rm(path, { force: true });
      }
      return stopped;
    },
  };
}

export type PidRegistry = ReturnType<typeof createPidRegistry>;
