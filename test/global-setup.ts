import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { projectHadFailures, startKafkaForTests } from './helpers/kafka/index.ts';

/**
 * Vitest global setup of the `integration` project: one Kafka broker for the whole run (see
 * docs/kafka.md for where it comes from), given to tests as `inject('kafkaBrokers')`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(line);
  const kafka = await startKafkaForTests({ log });
  log(kafka.banner);
  project.provide('kafkaBrokers', kafka.brokers);

  return async () => {
    // Unknown outcome (vitest's state API is experimental) counts as a failure: keep the log.
    const failed = projectHadFailures(project) !== false;
    const keep = kafka.source === 'local jars' && (failed || kafka.keepLogAlways);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const keepLogAs = keep
      ? join(project.config.root, '.vigie', 'test-logs', `kafka-${stamp}.log`)
      : undefined;
    await kafka.stop({ keepLogAs });
    if (keepLogAs) {
      log(`[vigie] ${failed ? 'a test failed: ' : ''}Kafka broker log kept at ${keepLogAs}`);
    }
  };
}
