/**
 * The paced latency run's load generator, on its own thread: it simulates new sellers and
 * produces their events at a steady rate, so that generating and encoding them (~10–15 % of a
 * core at 2,000 events/s) does not run on the thread of the service it measures. It posts the
 * send time of every event id (`performance.timeOrigin + performance.now()`, comparable across
 * threads) before the send, then a summary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Partitioners, type Message } from 'kafkajs';
import pino from 'pino';
import { createKafkaClient } from '../../streams/kafka/index.ts';
import { simulateMarketplace } from '../simulator/index.ts';
import type { PacedProducerData, PacedProducerReply } from './paced-messages.ts';

const ID_KEY = '"event_id":"';

function eventIdOfLine(line: string): string | undefined {
  const at = line.indexOf(ID_KEY);
  if (at < 0) return undefined;
  const end = line.indexOf('"', at + ID_KEY.length);
  return end < 0 ? undefined : line.slice(at + ID_KEY.length, end);
}

const post = (reply: PacedProducerReply): void => parentPort!.postMessage(reply);

async function run(data: PacedProducerData): Promise<void> {
  const kafka = createKafkaClient({
    brokers: data.brokers,
    clientId: 'vigie-bench-paced',
    logger: pino({ level: 'silent' }),
  });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const records = simulateMarketplace(data.simulation).records();
  const total = Math.round(data.ratePerS * data.seconds);
  let produced = 0;
  const started = performance.now();
  try {
    while (produced < total) {
      const due = Math.min(
        total,
        Math.floor(((performance.now() - started) / 1000) * data.ratePerS),
      );
      if (due > produced) {
        const messages: Message[] = [];
        const ids: string[] = [];
        while (produced + messages.length < due) {
          const next = records.next();
          if (next.done) break;
          messages.push({ key: next.value.key, value: next.value.line });
          const id = next.value.kind === 'event' ? eventIdOfLine(next.value.line) : undefined;
          if (id !== undefined) ids.push(id);
        }
        if (messages.length === 0) break;
        post({ kind: 'sent', ids, at: performance.timeOrigin + performance.now() });
        await producer.send({ topic: data.topic, acks: -1, messages });
        produced += messages.length;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await producer.disconnect();
  }
  post({ kind: 'done', produced, sendingMs: performance.now() - started });
}

run(workerData as PacedProducerData).catch((err: unknown) => {
  post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
});
