import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
// Type only: erased at run time, so machines without Docker never load testcontainers.
import type { KafkaContainer } from '@testcontainers/kafka';

export interface DockerProbeOptions {
  /** `DOCKER_HOST` (`unix:///path` or `tcp://host:port`); unset = the usual sockets. */
  dockerHost: string | undefined;
  /** `XDG_RUNTIME_DIR`, where rootless Docker puts its socket. */
  runtimeDir: string | undefined;
}

/** Where a Docker engine may listen: DOCKER_HOST, then the usual sockets. */
function candidateEndpoints({
  dockerHost,
  runtimeDir,
}: DockerProbeOptions): Array<{ socketPath: string } | { host: string; port: number }> {
  if (dockerHost) {
    if (dockerHost.startsWith('unix://'))
      return [{ socketPath: dockerHost.slice('unix://'.length) }];
    const tcp = /^tcp:\/\/([^:/]+):(\d+)/.exec(dockerHost);
    if (tcp?.[1] && tcp[2]) return [{ host: tcp[1], port: Number(tcp[2]) }];
    return [];
  }
  return [
    '/var/run/docker.sock',
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock')] : []),
    join(homedir(), '.docker', 'run', 'docker.sock'),
  ]
    .filter((path) => existsSync(path))
    .map((socketPath) => ({ socketPath }));
}

function ping(endpoint: { socketPath: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * True when a Docker engine answers `/_ping`. Checked by hand rather than through testcontainers
 * so that machines without Docker neither load it nor wait on its discovery strategies.
 */
export async function dockerAnswers(options: DockerProbeOptions): Promise<boolean> {
  for (const endpoint of candidateEndpoints(options)) {
    if (await ping(endpoint)) return true;
  }
  return false;
}

/** A broker in a container; `stop` removes the container. */
export interface ContainerBroker {
  brokers: string;
  image: string;
  stop(): Promise<void>;
}

/** Starts `image` (a Confluent cp-kafka image) in KRaft mode with `@testcontainers/kafka`. */
export async function startContainerBroker(image: string): Promise<ContainerBroker> {
  // Loaded only here: testcontainers 12.1+ pulls undici 8, which needs Node 22 to even load.
  let mod: { KafkaContainer: typeof KafkaContainer };
  try {
    mod = await import('@testcontainers/kafka');
  } catch (err) {
    throw new Error(
      `@testcontainers/kafka cannot be loaded on Node ${process.versions.node} ` +
        `(${(err as Error).message.split('\n')[0]}); testcontainers 12.1+ needs Node 22`,
      { cause: err },
    );
  }
  const container = await new mod.KafkaContainer(image)
    .withKraft()
    .withEnvironment({
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: '4',
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
    })
    .start();
  return {
    brokers: `${container.getHost()}:${container.getMappedPort(9093)}`,
    image,
    async stop() {
      await container.stop();
    },
  };
}
