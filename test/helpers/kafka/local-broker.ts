import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { newClusterId, serverProperties } from './broker-config.ts';
import { tailFile } from './log-tail.ts';
import { WORK_DIR_PREFIX, type PidRegistry } from './pid-registry.ts';
import { freeLoopbackPorts } from './ports.ts';
import { readCmdline, stopProcessGroup } from './process-group.ts';
import { loggingFor } from './versions.ts';
import { waitForBroker } from './wait-ready.ts';

const run = promisify(execFile);

// Small heap and a serial collector: a test broker holds little data, and on 2 cores the
// parallel collectors' threads compete with the tests. C1 only: the JVM starts faster, and a
// test broker never runs long enough to profit from C2.
const JVM_OPTIONS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];
const STOP_GRACE_MS = 10_000;
const START_ATTEMPTS = 2;

export interface LocalBrokerOptions {
  version: string;
  libsDir: string;
  javaCommand: string;
  registry: PidRegistry;
  startTimeoutMs: number;
}

export interface StopOptions {
  /** Copy the broker log to this path before its directory is removed. */
  keepLogAs?: string;
}

/** A broker this run started; `stop` is idempotent. */
export interface LocalBroker {
  brokers: string;
  port: number;
  pid: number;
  logFile: string;
  stop(options?: StopOptions): Promise<void>;
}

interface Attempt {
  workDir: string;
  logFile: string;
  port: number;
  controllerPort: number;
}

async function prepare(version: string, libsDir: string, javaCommand: string): Promise<Attempt> {
  const workDir = await mkdtemp(join(tmpdir(), WORK_DIR_PREFIX));
  const [port, controllerPort] = await freeLoopbackPorts(2);
  if (port === undefined || controllerPort === undefined) throw new Error('no free port');
  const logging = loggingFor(version);
  const propsFile = join(workDir, 'server.properties');
  const loggingFile = join(workDir, logging.configFile);
  await writeFile(
    propsFile,
    serverProperties({ version, dataDir: join(workDir, 'data'), port, controllerPort }),
  );
  await writeFile(loggingFile, logging.config);
  try {
    await run(
      javaCommand,
      [
        `-D${logging.configProperty}=${pathToFileURL(loggingFile).href}`,
        '-cp',
        join(libsDir, '*'),
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${newClusterId()}`,
        `--config=${propsFile}`,
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    await rm(workDir, { recursive: true, force: true });
    const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`formatting the KRaft log dir failed:\n${tail}`, { cause: err });
  }
  return { workDir, logFile: join(workDir, 'broker.log'), port, controllerPort };
}

async function startOnce(options: LocalBrokerOptions): Promise<LocalBroker> {
  const { version, libsDir, javaCommand, registry, startTimeoutMs } = options;
  const attempt = await prepare(version, libsDir, javaCommand);
  const logging = loggingFor(version);
  const args = [
    ...JVM_OPTIONS,
    // Names the work dir in the command line, so a stale-broker check cannot match another JVM.
    `-Dvigie.kafka.workdir=${attempt.workDir}`,
    `-D${logging.configProperty}=${pathToFileURL(join(attempt.workDir, logging.configFile)).href}`,
    '-cp',
    join(libsDir, '*'),
    'kafka.Kafka',
    join(attempt.workDir, 'server.properties'),
  ];
  const logFd = openSync(attempt.logFile, 'a');
  // Detached: the JVM leads its own process group, so stopping it stops everything it started,
  // and a Ctrl-C aimed at vitest does not kill it before teardown has copied its log.
  const child = spawn(javaCommand, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    await rm(attempt.workDir, { recursive: true, force: true });
    throw new Error(`could not start ${javaCommand}`);
  }
  child.unref();
  let exitNote: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitNote = `the broker exited (code ${code ?? '-'}, signal ${signal ?? '-'})`;
      resolve();
    });
  });
  // Last resort if vitest exits without teardown (e.g. an uncaught error); a SIGKILLed run is
  // handled by the next run's stale-broker sweep instead.
  const onExit = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', onExit);
  await registry.record({
    pid,
    cmdline: readCmdline(pid) ?? [javaCommand, ...args],
    ownerPid: process.pid,
    ownerCmdline: readCmdline(process.pid) ?? [],
    workDir: attempt.workDir,
    startedAt: new Date().toISOString(),
  });

  let stopped: Promise<void> | undefined;
  const stop = (stopOptions: StopOptions = {}): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      try {
        await stopProcessGroup(pid, { graceMs: STOP_GRACE_MS, exited });
      } finally {
        if (stopOptions.keepLogAs) {
          await mkdir(dirname(stopOptions.keepLogAs), { recursive: true });
          await copyFile(attempt.logFile, stopOptions.keepLogAs).catch(() => undefined);
        }
        await rm(attempt.workDir, { recursive: true, force: true });
        await registry.forget(pid);
      }
    })();
    return stopped;
  };

  const brokers = `127.0.0.1:${attempt.port}`;
  try {
    await waitForBroker({
      brokers: [brokers],
      timeoutMs: startTimeoutMs,
      abortReason: () => exitNote,
    });
  } catch (err) {
    const tail = await tailFile(attempt.logFile);
    await stop();
    const error = new Error(
      `Kafka ${version} did not start on ${brokers}: ${(err as Error).message}\n` +
        `--- last lines of the broker log ---\n${tail}`,
      { cause: err },
    );
    (error as Error & { portClash?: boolean }).portClash = tail.includes('Address already in use');
    throw error;
  }
  return { brokers, port: attempt.port, pid, logFile: attempt.logFile, stop };
}

/**
 * Formats a KRaft log dir in a fresh temporary directory and starts a single-node
 * broker+controller from the jars in `libsDir`, on free 127.0.0.1 ports. Resolves once the
 * broker answers a metadata request.
 */
export async function startLocalBroker(options: LocalBrokerOptions): Promise<LocalBroker> {
  for (let i = 1; ; i++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // The ports were free when picked but another process may take one before the JVM binds.
      const clash = (err as { portClash?: boolean }).portClash === true;
      if (!clash || i >= START_ATTEMPTS) throw err;
    }
  }
}
