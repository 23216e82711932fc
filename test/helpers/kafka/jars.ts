import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';
import { loggingFor, type MavenArtifact } from './versions.ts';

const run = promisify(execFile);

// Pinned so a fresh machine resolves the same plugin whatever Maven's default is.
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

function dependencyXml(a: MavenArtifact): string {
  return (
    `    <dependency><groupId>${a.groupId}</groupId><artifactId>${a.artifactId}</artifactId>` +
    `<version>${a.version}</version></dependency>`
  );
}

/** A throw-away pom whose runtime classpath is a runnable single-node broker. */
export function kafkaPom(version: string): string {
  const deps: MavenArtifact[] = [
    { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version },
    loggingFor(version).artifact,
  ];
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>dev.vigie.test</groupId>',
    `  <artifactId>kafka-broker-${version}</artifactId>`,
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    ...deps.map(dependencyXml),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

export interface EnsureJarsOptions {
  version: string;
  cacheDir: string;
  log: (line: string) => void;
}

/**
 * Returns the directory of the broker's jars, fetching them from Maven Central on first use.
 *
 * Two runs may start at once (two terminals, CI retries): the download holds a lock, writes to a
 * private directory and renames it into place, so `libs/` is either absent or complete.
 */
export async function ensureKafkaJars({
  version,
  cacheDir,
  log,
}: EnsureJarsOptions): Promise<string> {
  const home = join(cacheDir, `kafka-${version}`);
  const libs = join(home, 'libs');
  if (existsSync(libs)) return libs;

  await mkdir(home, { recursive: true });
  const release = await lockfile.lock(home, {
    lockfilePath: join(home, '.download.lock'),
    // Another run downloading holds the lock for well under the 10 minutes we wait for it; a
    // run that died leaves a lock that goes stale once it stops being refreshed.
    retries: { retries: 600, minTimeout: 1000, maxTimeout: 1000 },
    stale: 30_000,
  });
  try {
    if (existsSync(libs)) return libs;
    const pom = join(home, 'pom.xml');
    const staging = join(home, `libs.partial-${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    await writeFile(pom, kafkaPom(version));
    log(`[vigie] fetching Apache Kafka ${version} jars from Maven Central into ${libs}`);
    try {
      await run(
        'mvn',
        [
          '-B',
          '-q',
          '-Dstyle.color=never',
          '-f',
          pom,
          `${DEPENDENCY_PLUGIN}:copy-dependencies`,
          '-DincludeScope=runtime',
          `-DoutputDirectory=${staging}`,
        ],
        { timeout: DOWNLOAD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      const e = err as Error & { stdout?: string; stderr?: string };
      const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `could not fetch Apache Kafka ${version} with Maven (${e.message.split('\n')[0]}):\n${tail}`,
        { cause: err },
      );
    }
    await rename(staging, libs);
    return libs;
  } finally {
    await release();
  }
}
