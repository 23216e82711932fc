import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A tool found on this machine, or the reason it cannot be used. */
export type ToolCheck = { ok: true; detail: string } | { ok: false; reason: string };

/** The Java major of a `java -version` banner (`openjdk version "17.0.15"` → 17, `"1.8…"` → 8). */
export function javaMajorOf(banner: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** Java 17 or newer: the Kafka 4 broker needs 17, and we run 3.x on the same floor. */
export async function checkJava(javaCommand: string): Promise<ToolCheck> {
  try {
    // `java -version` writes its banner to stderr.
    const { stderr, stdout } = await run(javaCommand, ['-version'], { timeout: 30_000 });
    const banner = `${stderr}${stdout}`;
    const major = javaMajorOf(banner);
    if (major === undefined)
      return { ok: false, reason: `cannot read the version of ${javaCommand}` };
    if (major < 17)
      return { ok: false, reason: `${javaCommand} is Java ${major}; Java 17+ is needed` };
    return { ok: true, detail: `Java ${major}` };
  } catch (err) {
    return { ok: false, reason: `${javaCommand} not runnable (${(err as Error).message})` };
  }
}

export async function checkMaven(): Promise<ToolCheck> {
  try {
    const { stdout } = await run('mvn', ['-v', '-B'], { timeout: 60_000 });
    return { ok: true, detail: stdout.split('\n')[0]?.trim() ?? 'mvn' };
  } catch (err) {
    return { ok: false, reason: `mvn not runnable (${(err as Error).message})` };
  }
}
