import { describe, expect, it } from 'vitest';
import { newClusterId, serverProperties } from './broker-config.ts';
import { kafkaPom } from './jars.ts';
import { javaMajorOf } from './tooling.ts';
import { confluentImageFor, loggingFor } from './versions.ts';

describe('Kafka harness parts', () => {
  it('reads the Java major from both banner styles', () => {
    expect(javaMajorOf('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(javaMajorOf('java version "1.8.0_402"')).toBe(8);
    expect(javaMajorOf('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajorOf('no banner')).toBeUndefined();
  });

  it('makes cluster ids Kafka accepts on a command line', () => {
    const ids = Array.from({ length: 500 }, () => newClusterId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('binds the broker to loopback only, with the given ports', () => {
    const props = serverProperties({
      version: '4.3.1',
      dataDir: '/tmp/x',
      port: 1234,
      controllerPort: 1235,
    });
    const listeners = props.split('\n').find((l) => l.startsWith('listeners='));
    expect(listeners).toBe('listeners=PLAINTEXT://127.0.0.1:1234,CONTROLLER://127.0.0.1:1235');
    expect(props).toContain('auto.create.topics.enable=false');
    expect(props).toContain('share.coordinator.state.topic.replication.factor=1');
    expect(
      serverProperties({ version: '3.9.2', dataDir: '/x', port: 1, controllerPort: 2 }),
    ).not.toContain('share.coordinator');
  });

  it('picks the logging backend and image of each Kafka line', () => {
    expect(kafkaPom('3.9.2')).toContain('<artifactId>slf4j-reload4j</artifactId>');
    expect(kafkaPom('4.3.1')).toContain('<artifactId>log4j-slf4j-impl</artifactId>');
    expect(kafkaPom('4.3.1')).toContain(
      '<artifactId>kafka_2.13</artifactId><version>4.3.1</version>',
    );
    expect(loggingFor('4.0.2').configProperty).toBe('log4j2.configurationFile');
    expect(confluentImageFor('3.9.2')).toBe('confluentinc/cp-kafka:7.9.0');
    expect(confluentImageFor('2.8.0')).toBeUndefined();
  });
});
