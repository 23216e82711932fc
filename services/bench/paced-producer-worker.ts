/**
 * The paced latency run's load generator, on its own thread: it simulates new sellers, then
 * produces their events at a steady rate, every `tickMs` what is due since the start. It posts
 * its thread id, that it is ready, the send time of every event id (`performance.timeOrigin +
 * performance.now()`, comparable across threads) before the send, then a summary.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Partitioners, type Message } from 'kafkajs';
import pino from 'pino';
import { createKafkaClient } from '../../streams/kafka/index.ts';
import { simulateMarketplace } from '../simulator/index.ts';
import type { PacedProducerData, PacedProducerReply } from './paced-messages.ts';
import { ownThreadId } from './thread-cpu.ts';

const ID_KEY = '"event_id":"';

function eventIdOfLine(line: string): string | undefined {
  const at = line.indexOf(ID_KEY);
  if (at < 0) return undefined;
  const end = line.indexOf('"', at + ID_KEY.length);
  return end < 0 ? undefined : line.slice(at + ID_KEY.length, end);
}

const post = (reply: PacedProducerReply): void => parentPort!.postMessage(reply);

async function run(data: PacedProducerData): Promise<void> {
  const tid = ownThreadId();
  if (tid !== undefined) post({ kind: 'thread', tid });
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
  // Simulated and encoded before the first send: generating the load is not part of it, and on
  // the service's two cores it would take CPU from what is measured.
  const total = Math.round(data.ratePerS * data.seconds);
  const messages: Message[] = [];
  const ids: Array<string | undefined> = [];
  for (const record of simulateMarketplace(data.simulation).records()) {
    if (messages.length >= total) break;
    messages.push({ key: record.key, value: record.line });
    ids.push(record.kind === 'event' ? eventIdOfLine(record.line) : undefined);
  }
  post({ kind: 'ready' });
  let produced = 0;
  const started = performance.now();
  try {
    while (produced < messages.length) {
      const due = Math.min(
        messages.length,
        Math.floor(((performance.now() - started) / 1000) * data.ratePerS),
      );
      if (due > produced) {
        const sent = ids.slice(produced, due).filter((id): id is string => id !== undefined);
        post({ kind: 'sent', ids: sent, at: performance.timeOrigin + performance.now() });
        await producer.send({
          topic: data.topic,
          acks: -1,
          messages: messages.slice(produced, due),
        });
        produced = due;
      }
      await new Promise((r) => setTimeout(r, data.tickMs));
    }
  } finally {
    await producer.disconnect();
  }
  post({ kind: 'done', produced, sendingMs: performance.now() - started });
}

run(workerData as PacedProducerData).catch((err: unknown) => {
  post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
});
