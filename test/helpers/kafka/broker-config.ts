import { randomBytes } from 'node:crypto';
import { kafkaMajor } from './versions.ts';

export interface ServerPropertiesOptions {
  version: string;
  dataDir: string;
  port: number;
  controllerPort: number;
}

/**
 * `server.properties` of a single-node KRaft broker+controller on loopback, sized for a 2-core
 * machine and a test suite: one replica everywhere, few partitions for the internal topics (each
 * one costs start-up time on first use), no rebalance delay.
 *
 * Topics are never auto-created: tests and production create theirs explicitly (the compose
 * file has an init service), so a misspelt topic fails instead of quietly appearing.
 */
export function serverProperties({
  version,
  dataDir,
  port,
  controllerPort,
}: ServerPropertiesOptions): string {
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'auto.create.topics.enable=false',
    'num.partitions=4',
    'default.replication.factor=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    'background.threads=4',
    'num.recovery.threads.per.data.dir=1',
  ];
  if (kafkaMajor(version) >= 4) {
    // The share-group coordinator's state topic defaults to 3 replicas.
    lines.push(
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A KRaft cluster id as Kafka's `Uuid.randomUuid()` makes them: 16 random bytes, base64url, never
 * starting with '-' (it would read as a command-line flag).
 */
export function newClusterId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    if (bytes.every((b) => b === 0)) continue;
    const id = bytes.toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
