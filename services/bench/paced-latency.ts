import { Worker } from 'node:worker_threads';
import { VigieError } from '../../streams/errors.ts';
import type { SimulationOptionsInput } from '../simulator/index.ts';
import type { PacedProducerData, PacedProducerReply } from './paced-messages.ts';
import type { LatencySummary } from './report.ts';
import { recordGcPauses } from './gc-pauses.ts';
import { latencyTail, type BatchTrace, type LatencyTail } from './latency-tail.ts';
import { summariseLatencies } from './stats.ts';
import type { TimedPipeline } from './timed-pipeline.ts';
import { nameThread } from './thread-cpu.ts';

export interface PacedLatencyOptions {
  brokers: readonly string[];
  topic: string;
  timed: TimedPipeline;
  /** New sellers (another seed), simulated and produced in their order by the worker. */
  simulation: SimulationOptionsInput;
  ratePerS: number;
  seconds: number;
  /** How long to wait for the last events once production stopped, ms. */
  settleTimeoutMs: number;
  /** Called once the load is simulated, just before the first send. */
  onSending?: () => void;
}

export interface PacedLatencyResult {
  produced: number;
  achievedRate: number;
  durationS: number;
  latency: LatencySummary;
  /** False when some events were not done within the wait: they count at the deadline. */
  completed: boolean;
  /** The same per 10 s of sending, by send time. */
  by10s: LatencySummary[];
  /** Where the events at or over the p99 lost their time (services/bench/latency-tail.ts). */
  tail?: LatencyTail;
}

const WORKER_URL = new URL('./paced-producer.mjs', import.meta.url);

/**
 * The producer sends what is due every 20 ms (40 events at 2,000/s). A kafkajs send costs its
 * thread a good deal besides its messages: sending every 5 ms and simulating as it went, the
 * load generator's thread took 2.1–3.0 s of CPU per 10 s, on the two cores it shares with the
 * service and the broker; every 20 ms, with the load simulated beforehand, 1.1–1.6 s (seventeenth
 * session). Latency counts from each event's own send, so the tick does not shorten it.
 */
const PACED_TICK_MS = 20;

/**
 * Produces at a steady rate (every `PACED_TICK_MS`, whatever is due since the start, so a slow
 * send is caught up) from a worker thread, once it has simulated the whole load, and measures,
 * per event, the time from its send to the end of the pipeline batch that stored it, updated its
 * seller's features and scored the seller.
 * The worker keeps the load generator (simulation, encoding, sends) off the service's thread,
 * as a producer in another process would be; both clocks are `timeOrigin + now()`.
 */
export async function runPacedLatency(options: PacedLatencyOptions): Promise<PacedLatencyResult> {
  const { timed } = options;
  /** Send times (this thread's performance.now() scale) and done times, per event id. */
  const sentAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  timed.recordDone(doneAt);
  const batches: BatchTrace[] = [];
  timed.traceBatches(batches);
  const gc = recordGcPauses();
  const { pauses } = gc;
  const offset = performance.timeOrigin;
  const data: PacedProducerData = {
    brokers: [...options.brokers],
    topic: options.topic,
    simulation: options.simulation,
    ratePerS: options.ratePerS,
    seconds: options.seconds,
    tickMs: PACED_TICK_MS,
  };
  try {
    const summary = await new Promise<{ produced: number; sendingMs: number }>(
      (resolve, reject) => {
        const worker = new Worker(WORKER_URL, { workerData: data });
        worker.on('message', (reply: PacedProducerReply) => {
          if (reply.kind === 'thread') nameThread(reply.tid, 'bench producer');
          else if (reply.kind === 'ready') options.onSending?.();
          else if (reply.kind === 'sent') {
            const at = reply.at - offset;
            for (const id of reply.ids) sentAt.set(id, at);
          } else if (reply.kind === 'done') resolve(reply);
          else reject(new VigieError('INTERNAL', `paced producer failed: ${reply.message}`));
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          reject(new VigieError('INTERNAL', `paced producer exited (${code}) before it was done`));
        });
      },
    );
    const pending = () => {
      let n = 0;
      for (const id of sentAt.keys()) if (!doneAt.has(id)) n += 1;
      return n;
    };
    const deadline = performance.now() + options.settleTimeoutMs;
    while (pending() > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const now = performance.now();
    const latencies: number[] = [];
    const windows: number[][] = [];
    let first = Infinity;
    for (const sent of sentAt.values()) first = Math.min(first, sent);
    let completed = true;
    for (const [id, sent] of sentAt) {
      const done = doneAt.get(id);
      if (done === undefined) completed = false;
      const latency = (done ?? now) - sent;
      latencies.push(latency);
      const w = Math.floor((sent - first) / 10_000);
      while (windows.length <= w) windows.push([]);
      windows[w]!.push(latency);
    }
    const latency = summariseLatencies(latencies);
    const tail = latencyTail(sentAt, doneAt, batches, pauses, latency.p99_ms);
    return {
      produced: summary.produced,
      achievedRate: Math.round((summary.produced / summary.sendingMs) * 1000),
      durationS: Math.round(summary.sendingMs) / 1000,
      latency,
      completed,
      by10s: windows.map(summariseLatencies),
      ...(tail === undefined ? {} : { tail }),
    };
  } finally {
    timed.stopRecording(doneAt);
    timed.stopTracing(batches);
    gc.stop();
  }
}
