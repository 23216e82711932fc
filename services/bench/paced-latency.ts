import { Partitioners, type Kafka, type Message } from 'kafkajs';
import type { Simulation } from '../simulator/index.ts';
import type { LatencySummary } from './report.ts';
import { summariseLatencies } from './stats.ts';
import type { TimedPipeline } from './timed-pipeline.ts';

export interface PacedLatencyOptions {
  kafka: Kafka;
  topic: string;
  timed: TimedPipeline;
  /** A stream of new sellers (another seed), produced in its order. */
  simulation: Simulation;
  ratePerS: number;
  seconds: number;
  /** How long to wait for the last events once production stopped, ms. */
  settleTimeoutMs: number;
}

export interface PacedLatencyResult {
  produced: number;
  achievedRate: number;
  durationS: number;
  latency: LatencySummary;
  /** False when some events were not done within the wait: they count at the deadline. */
  completed: boolean;
}

const ID_KEY = '"event_id":"';

function eventIdOfLine(line: string): string | undefined {
  const at = line.indexOf(ID_KEY);
  if (at < 0) return undefined;
  const end = line.indexOf('"', at + ID_KEY.length);
  return end < 0 ? undefined : line.slice(at + ID_KEY.length, end);
}

/**
 * Produces at a steady rate (every few ms, whatever is due since the start, so a slow send is
 * caught up) and measures, per event, the time from its send to the end of the pipeline batch
 * that stored it, updated its seller's features and scored the seller.
 */
export async function runPacedLatency(options: PacedLatencyOptions): Promise<PacedLatencyResult> {
  const { timed } = options;
  const producer = options.kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  timed.watchMany(sentAt, latencies);
  const records = options.simulation.records();
  const total = Math.round(options.ratePerS * options.seconds);
  let produced = 0;
  const started = performance.now();
  try {
    while (produced < total) {
      const due = Math.min(
        total,
        Math.floor(((performance.now() - started) / 1000) * options.ratePerS),
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
        const t0 = performance.now();
        for (const id of ids) sentAt.set(id, t0);
        await producer.send({ topic: options.topic, acks: -1, messages });
        produced += messages.length;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await producer.disconnect();
  }
  const sendingMs = performance.now() - started;
  const deadline = performance.now() + options.settleTimeoutMs;
  while (sentAt.size > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const completed = sentAt.size === 0;
  const now = performance.now();
  for (const t0 of sentAt.values()) latencies.push(now - t0);
  sentAt.clear();
  return {
    produced,
    achievedRate: Math.round((produced / sendingMs) * 1000),
    durationS: Math.round(sendingMs) / 1000,
    latency: summariseLatencies(latencies),
    completed,
  };
}
