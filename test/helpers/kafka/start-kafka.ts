import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dockerAnswers, startContainerBroker } from './docker.ts';
import { loadKafkaHarnessSettings, type KafkaHarnessSettings } from './env.ts';
import { ensureKafkaJars } from './jars.ts';
import { startLocalBroker } from './local-broker.ts';
import { createPidRegistry } from './pid-registry.ts';
import { checkJava, checkMaven } from './tooling.ts';
import { confluentImageFor } from './versions.ts';
import { waitForBroker } from './wait-ready.ts';

/** Where the broker for this run came from, in the order they are tried. */
export type KafkaSource = 'KAFKA_BROKERS' | 'testcontainers' | 'local jars';

/** The broker the integration tests use. */
export interface KafkaForTests {
  /** Bootstrap list, `host:port[,host:port…]`. */
  brokers: string;
  source: KafkaSource;
  /** Kafka release, or `external` for a broker given by KAFKA_BROKERS. */
  version: string;
  /** Whether the broker log should be kept even if every test passes (VIGIE_KAFKA_KEEP_LOG). */
  keepLogAlways: boolean;
  /** One line naming the broker, for the test log. */
  banner: string;
  /** Stops what this run started (nothing for KAFKA_BROKERS); keeps the broker log if asked. */
  stop(options?: { keepLogAs?: string }): Promise<void>;
}

export interface StartKafkaOptions {
  /** Progress lines ("fetching jars", stale brokers stopped). */
  log: (line: string) => void;
  env?: Record<string, string | undefined>;
}

const INSTALL_HINT =
  'Give the integration tests a Kafka broker in one of these ways:\n' +
  '  - install Java 17+ and Maven (Debian: apt-get install openjdk-17-jdk-headless maven): the\n' +
  '    tests then fetch Apache Kafka from Maven Central and run it on 127.0.0.1;\n' +
  '  - run a Docker engine (testcontainers starts Kafka in a container);\n' +
  '  - or point at your own broker: KAFKA_BROKERS=host:port npm test.';

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function useGivenBrokers(brokers: string, s: KafkaHarnessSettings): Promise<KafkaForTests> {
  const started = Date.now();
  await waitForBroker({ brokers: brokers.split(','), timeoutMs: s.startTimeoutMs });
  return {
    brokers,
    source: 'KAFKA_BROKERS',
    version: 'external',
    keepLogAlways: s.keepLog,
    banner: `[vigie] Kafka external (KAFKA_BROKERS) on ${brokers}, answered in ${seconds(started)}`,
    stop: async () => undefined,
  };
}

async function useContainer(s: KafkaHarnessSettings): Promise<KafkaForTests> {
  const image = s.image ?? confluentImageFor(s.version);
  if (!image) {
    throw new Error(
      `no Confluent image known for Kafka ${s.version}: set VIGIE_KAFKA_IMAGE to a cp-kafka image`,
    );
  }
  const started = Date.now();
  const container = await startContainerBroker(image);
  await waitForBroker({ brokers: [container.brokers], timeoutMs: s.startTimeoutMs });
  return {
    brokers: container.brokers,
    source: 'testcontainers',
    version: s.version,
    keepLogAlways: s.keepLog,
    banner:
      `[vigie] Kafka ${s.version} (testcontainers ${image}) on ${container.brokers}, ` +
      `ready in ${seconds(started)}`,
    // Container output stays with Docker; the harness keeps only local broker logs.
    stop: () => container.stop(),
  };
}

async function useLocalJars(s: KafkaHarnessSettings, log: StartKafkaOptions['log']) {
  const started = Date.now();
  const cached = existsSync(join(s.cacheDir, `kafka-${s.version}`, 'libs'));
  const libsDir = await ensureKafkaJars({ version: s.version, cacheDir: s.cacheDir, log });
  const fetchedIn = cached ? 'jars cached' : `jars obtained in ${seconds(started)}`;
  const bootStarted = Date.now();
  const broker = await startLocalBroker({
    version: s.version,
    libsDir,
    javaCommand: s.javaCommand,
    registry: createPidRegistry(s.cacheDir),
    startTimeoutMs: s.startTimeoutMs,
  });
  return {
    brokers: broker.brokers,
    source: 'local jars' as const,
    version: s.version,
    keepLogAlways: s.keepLog,
    banner:
      `[vigie] Kafka ${s.version} (local jars) on ${broker.brokers}, pid ${broker.pid}, ` +
      `ready in ${seconds(bootStarted)} (${fetchedIn})`,
    stop: (options?: { keepLogAs?: string }) => broker.stop(options),
  };
}

/**
 * Gives the integration tests a running Kafka broker. Tried in order:
 * 1. `KAFKA_BROKERS` set: use it (it must answer);
 * 2. a Docker engine answers: `@testcontainers/kafka`;
 * 3. Java 17+ and Maven (or jars already cached): Apache Kafka's own jars from Maven Central,
 *    run as a single-node KRaft broker on loopback;
 * 4. otherwise fail, saying what to install.
 * Before any of that, brokers left running by test runs that were killed are stopped.
 */
export async function startKafkaForTests({ log, env }: StartKafkaOptions): Promise<KafkaForTests> {
  const s = loadKafkaHarnessSettings(env);
  await createPidRegistry(s.cacheDir).reapStale(log);

  if (s.brokers) return useGivenBrokers(s.brokers, s);

  const reasons: string[] = ['KAFKA_BROKERS is unset'];
  if (!s.tryDocker) {
    reasons.push('Docker skipped (VIGIE_KAFKA_DOCKER=false)');
  } else if (await dockerAnswers({ dockerHost: s.dockerHost, runtimeDir: s.runtimeDir })) {
    try {
      return await useContainer(s);
    } catch (err) {
      // Docker answered but could not give us Kafka: local jars may still work.
      const reason = `testcontainers failed: ${(err as Error).message.split('\n')[0]}`;
      log(`[vigie] ${reason}; trying local jars`);
      reasons.push(reason);
    }
  } else {
    reasons.push('no Docker engine answers');
  }

  const java = await checkJava(s.javaCommand);
  const jarsCached = existsSync(join(s.cacheDir, `kafka-${s.version}`, 'libs'));
  const maven = jarsCached ? ({ ok: true, detail: 'jars cached' } as const) : await checkMaven();
  if (java.ok && maven.ok) return useLocalJars(s, log);
  if (!java.ok) reasons.push(java.reason);
  if (!maven.ok) reasons.push(maven.reason);
  throw new Error(
    `No Kafka broker for the integration tests (${reasons.join('; ')}).\n${INSTALL_HINT}`,
  );
}
