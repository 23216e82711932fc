import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createPidRegistry, WORK_DIR_PREFIX, type BrokerRecord } from './pid-registry.ts';
import { isAlive, readCmdline } from './process-group.ts';

/** A real detached process standing in for a broker JVM, killed at the end whatever happens. */
function spawnFakeBroker() {
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn sleep');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onTestFinished(() => {
    if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  });
  return { pid, exited };
}

/** The pid of a process that has exited (and been reaped): an owner run that is gone. */
async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('could not spawn true');
  return child.pid;
}

async function setup() {
  const cacheDir = await mkdtemp(join(tmpdir(), 'vigie-registry-test-'));
  onTestFinished(() => rm(cacheDir, { recursive: true, force: true }));
  const workDir = join(cacheDir, `${WORK_DIR_PREFIX}fake`);
  await mkdir(workDir);
  return { registry: createPidRegistry(cacheDir), workDir };
}

function recordFor(pid: number, ownerPid: number, workDir: string): BrokerRecord {
  return {
    pid,
    cmdline: readCmdline(pid) ?? [],
    ownerPid,
    ownerCmdline: readCmdline(ownerPid) ?? ['gone'],
    workDir,
    startedAt: new Date().toISOString(),
  };
}

describe.skipIf(process.platform !== 'linux')('stale broker cleanup (/proc based)', () => {
  it('stops a broker whose run died, and removes its work dir and record', async () => {
    const { registry, workDir } = await setup();
    const broker = spawnFakeBroker();
    await registry.record(recordFor(broker.pid, await deadPid(), workDir));

    const stopped = await registry.reapStale(() => undefined);

    expect(stopped).toEqual([broker.pid]);
    await broker.exited;
    expect(existsSync(workDir)).toBe(false);
    expect(existsSync(join(registry.dir, `${broker.pid}.json`))).toBe(false);
  });

  it('leaves alone a broker whose run is still alive', async () => {
    const { registry, workDir } = await setup();
    const broker = spawnFakeBroker();
    await registry.record(recordFor(broker.pid, process.pid, workDir));

    expect(await registry.reapStale(() => undefined)).toEqual([]);
    expect(isAlive(broker.pid)).toBe(true);
    expect(existsSync(workDir)).toBe(true);
  });

  it('does not kill a reused pid whose command line differs', async () => {
    const { registry, workDir } = await setup();
    const other = spawnFakeBroker();
    const entry = recordFor(other.pid, await deadPid(), workDir);
    await registry.record({ ...entry, cmdline: ['java', 'kafka.Kafka', 'some.properties'] });

    expect(await registry.reapStale(() => undefined)).toEqual([]);
    expect(isAlive(other.pid)).toBe(true);
    expect(existsSync(join(registry.dir, `${other.pid}.json`))).toBe(false);
  });
});
