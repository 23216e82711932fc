import type { Producer } from 'kafkajs';
import { NoticeReceivedSchema, type NoticeReceived } from '../../streams/contract/index.ts';
import type { DetectorStore } from '../detector/index.ts';
import type { BenchTopics } from './ingestion.ts';
import { BENCH_TARGETS } from './options.ts';
import type { PrioritySection } from './report.ts';
import { summariseLatencies } from './stats.ts';
import type { TimedPipeline } from './timed-pipeline.ts';

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** A trusted-flagger notice about a seller (no listing), validated against the contract. */
export function trustedNotice(eventId: string, sellerId: string, occurredAt: string): string {
  const notice: NoticeReceived = NoticeReceivedSchema.parse({
    event_id: eventId,
    type: 'notice.received',
    occurred_at: occurredAt,
    seller_id: sellerId,
    notice_id: `${eventId}-notice`,
    notifier_type: 'trusted_flagger',
    category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  });
  return JSON.stringify(notice);
}

export interface PriorityProbeOptions {
  producer: Producer;
  topics: BenchTopics;
  timed: TimedPipeline;
  detectorStore: DetectorStore;
  /** Sellers with no trusted notice in the stream, one per probe plus one for the baseline. */
  sellers: readonly string[];
  probes: number;
  /** Lines queued on the main topic before the consumers started. */
  queued: number;
  /** Event time of the notices (the end of the simulated period). */
  occurredAt: string;
  runId: string;
  /** Gap between two probes, ms. */
  intervalMs: number;
}

export interface PriorityProbeRun {
  /** Resolves once the main-topic baseline notice is done (after the backlog). */
  baseline: Promise<{ latencyMs: number }>;
  result(baselineLatencyMs: number): PrioritySection;
}

/**
 * While the main topic drains, sends trusted-flagger notices as the priority-lane design says a
 * platform does: on `marketplace.priority` and, as usual, on the main topic. Each probe's latency
 * is from its send to the end of the batch that applied it (features stored, seller scored), and
 * its effect is checked in the stored snapshot. At the first probe, the same kind of notice goes
 * on the main topic only: the baseline, which waits behind the backlog.
 */
export async function runPriorityProbes(options: PriorityProbeOptions): Promise<PriorityProbeRun> {
  const { producer, topics, timed } = options;
  await timed.untilRecords('main', 1);
  const backlogAt = options.queued - timed.main.records;
  const baselineSeller = options.sellers[options.probes]!;
  const baselineId = `bench-main-${options.runId}`;
  const baselineWatch = timed.watch(baselineId);
  const baselineSent = performance.now();
  await producer.send({
    topic: topics.main,
    acks: -1,
    messages: [
      { key: baselineSeller, value: trustedNotice(baselineId, baselineSeller, options.occurredAt) },
    ],
  });
  const baseline = baselineWatch.then(({ doneAt }) => ({ latencyMs: doneAt - baselineSent }));

  const latencies: number[] = [];
  const notices: PrioritySection['notices'] = [];
  let verified = true;
  let laneOk = true;
  for (let i = 0; i < options.probes; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, options.intervalMs));
    const seller = options.sellers[i]!;
    const id = `bench-priority-${options.runId}-${i}`;
    const value = trustedNotice(id, seller, options.occurredAt);
    const watch = timed.watch(id);
    // Sent while the backlog is still queued, the notice must come through the priority lane;
    // once the main lane has caught up, either copy may be applied first, both in a batch or so.
    const behindBacklog = timed.main.records < options.queued;
    const sent = performance.now();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        { topic: topics.priority, messages: [{ key: seller, value }] },
        { topic: topics.main, messages: [{ key: seller, value }] },
      ],
    });
    const { takenAt, doneAt, priority, stages } = await watch;
    latencies.push(doneAt - sent);
    notices.push({
      latency_ms: round(doneAt - sent),
      to_pipeline_ms: round(takenAt - sent),
      priority_lane: priority,
      stages_ms: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
      unstaged_ms: round(doneAt - takenAt - Object.values(stages).reduce((a, b) => a + b, 0)),
    });
    if (behindBacklog) laneOk &&= priority;
    const [record] = await options.detectorStore.latestFeatures([seller]);
    verified &&= (record?.features.values.notices_trusted_total ?? 0) >= 1;
  }
  const summary = summariseLatencies(latencies);
  return {
    baseline,
    result: (baselineLatencyMs) => ({
      backlog: Math.max(1, backlogAt),
      priority: summary,
      notices,
      verified: verified && laneOk,
      baseline: {
        latency_ms: Math.round(baselineLatencyMs),
        queued_behind: Math.max(0, backlogAt),
      },
      target: {
        target: BENCH_TARGETS.priorityLatencyMs,
        met: summary.max_ms <= BENCH_TARGETS.priorityLatencyMs,
      },
    }),
  };
}
