import { describe, expect, it } from 'vitest';
import { latencyTail, type BatchTrace } from './latency-tail.ts';

describe('latencyTail', () => {
  // Two batches: a quick one, and a slow one whose events are the tail.
  const quick: BatchTrace = {
    takenAt: 1_100,
    doneAt: 1_300,
    records: 2,
    stages: { engine: 120, events_write_wait: 50 },
  };
  const slow: BatchTrace = {
    takenAt: 1_400,
    doneAt: 2_400,
    records: 1,
    stages: { engine: 700, events_write_wait: 100 },
  };
  const sentAt = new Map([
    ['a', 1_000],
    ['b', 1_050],
    ['c', 1_200],
    ['lost', 1_250],
  ]);
  const doneAt = new Map([
    ['a', 1_300],
    ['b', 1_300],
    ['c', 2_400],
  ]);
  const pauses = [
    { start: 1_500, duration: 300 },
    { start: 2_350, duration: 100 },
    { start: 5_000, duration: 40 },
  ];

  it('follows the events over the threshold to their batches, with the GC within them', () => {
    const tail = latencyTail(sentAt, doneAt, [quick, slow], pauses, 1_000);
    expect(tail?.threshold_ms).toBe(1_000);
    expect(tail?.all).toEqual({
      events: 3,
      before_pipeline_ms: 116.7, // (100 + 50 + 200) / 3, to 0.1 ms
      in_pipeline_ms: 466.7, // (200 + 200 + 1,000) / 3
    });
    expect(tail?.tail).toEqual({ events: 1, before_pipeline_ms: 200, in_pipeline_ms: 1_000 });
    expect(tail?.tail_batches).toEqual({
      batches: 1,
      records: 1,
      wall_ms: 1_000,
      gc_ms: 350,
      unstaged_ms: 200,
      stages_ms: { engine: 700, events_write_wait: 100 },
    });
    expect(tail?.all_batches.stages_ms).toEqual({ engine: 410, events_write_wait: 75 });
    expect(tail?.all_batches.unstaged_ms).toBe((30 + 200) / 2);
    expect(tail?.slowest.map((b) => b.wall_ms)).toEqual([1_000, 200]);
    expect(tail?.slowest[0]?.end_s).toBe(1.4);
  });

  it('is undefined when no event was done in a traced batch', () => {
    expect(latencyTail(sentAt, new Map(), [quick], pauses, 10)).toBeUndefined();
  });
});
