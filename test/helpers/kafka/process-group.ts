import { readFileSync } from 'node:fs';

/** True while `pid` exists (a process we may not signal still counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The argv of a live process from /proc, or undefined where it cannot be read. */
export function readCmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid signals the whole group: the JVM leads its own (spawned detached).
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number, exited?: Promise<unknown>) {
  const deadline = Date.now() + timeoutMs;
  let hasExited = false;
  void exited?.then(() => (hasExited = true));
  while (!hasExited && !done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return hasExited || done();
}

export interface StopGroupOptions {
  /** How long SIGTERM gets before SIGKILL. */
  graceMs: number;
  /** Resolves when our own child exits (a child of ours stays a zombie to `kill 0` until reaped). */
  exited?: Promise<unknown>;
}

/** SIGTERM the process group led by `pid`, then SIGKILL it if it outlives `graceMs`. */
export async function stopProcessGroup(pid: number, options: StopGroupOptions): Promise<void> {
  const gone = () => !isAlive(pid);
  signalGroup(pid, 'SIGTERM');
  if (await waitUntil(gone, options.graceMs, options.exited)) return;
  signalGroup(pid, 'SIGKILL');
  if (await waitUntil(gone, 10_000, options.exited)) return;
  throw new Error(`process group ${pid} survived SIGKILL`);
}
