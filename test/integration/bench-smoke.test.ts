import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  BENCH_SECTIONS,
  BenchReportSchema,
  runBench,
  writeBenchReport,
} from '../../services/bench/index.ts';
import { glibcRuntime } from '../../services/bench/native-trim.ts';

type Section<T> = { status: 'ok'; result: T } | { status: string; reason: string } | undefined;

function ok<T>(section: Section<T>, name: string): T {
  if (section?.status !== 'ok' || !('result' in section)) {
    throw new Error(`section ${name} did not succeed: ${JSON.stringify(section)}`);
  }
  return section.result;
}

/**
 * `vigie bench` end to end on a small run (20,000 events) against the tests' broker and the real
 * chDB: every section succeeds with positive figures, and the JSON written parses as documented.
 * No timing assertions: speed is what the full bench reports, not what a test checks.
 */
describe('vigie bench (smoke, 20,000 events)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('runs every section and writes a report with positive numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-bench-smoke-'));
    dirs.push(dir);
    const report = await runBench(
      {
        events: 20_000,
        latencySeconds: 2,
        baselineScoreRows: 5_000,
        priorityProbes: 2,
        drainTimeoutSeconds: 300,
        workDir: join(dir, 'work'),
      },
      { brokers: inject('kafkaBrokers') },
    );
    const out = join(dir, 'bench.json');
    await writeBenchReport(report, out);
    const parsed = BenchReportSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(Object.keys(parsed.sections).sort()).toEqual([...BENCH_SECTIONS].sort());
    // The merges' priority the store ran with (VIGIE_CHDB_MERGE_NICE, default 10), and whether
    // the process could apply it.
    expect(parsed.machine.chdb_merge_nice?.value).toBe(10);
    expect([true, false, null]).toContain(parsed.machine.chdb_merge_nice?.applied);

    const lines = parsed.dataset?.lines ?? 0;
    expect(lines).toBeGreaterThanOrEqual(20_000);
    const e2e = ok(parsed.sections.e2e, 'e2e');
    expect(e2e.pipeline.records).toBeGreaterThanOrEqual(lines);
    expect(e2e.pipeline.accepted).toBeGreaterThan(0);
    expect(e2e.latency.produce_to_score.count).toBeGreaterThan(0);
    // The paced producer (a worker thread) sent 2 s of events, and every one was seen done.
    expect(e2e.latency.completed).toBe(true);
    expect(e2e.latency.produce_to_score.count).toBeGreaterThan(e2e.latency.rate_per_s);
    expect(e2e.latency.produce_to_score.p50_ms).toBeGreaterThan(0);
    // Where the batches' time went, for the drain and the paced run.
    for (const stages of [e2e.pipeline.stages!, e2e.latency.stages!]) {
      expect(stages.batches).toBeGreaterThan(0);
      expect(stages.records_per_batch).toBeGreaterThan(0);
      expect(stages.ms_per_batch.engine).toBeGreaterThan(0);
      expect(stages.ms_per_batch.decode).toBeGreaterThan(0);
    }
    const replay = ok(parsed.sections.replay, 'replay');
    expect(replay.pipeline.records).toBe(lines);
    // The same events through both paths; Kafka adds the 2 probes and the baseline notice.
    expect(e2e.pipeline.accepted).toBe(replay.pipeline.accepted + 3);
    const priority = ok(parsed.sections.priority, 'priority');
    expect(priority.verified).toBe(true);
    expect(priority.priority.count).toBe(2);
    const detector = ok(parsed.sections.detector, 'detector');
    expect(detector.rows).toBe(20_000);
    expect(detector.parallel_identical).toBe(true);
    const memory = ok(parsed.sections.memory, 'memory');
    expect(memory.sellers).toBe(e2e.pipeline.sellers);
    // The allocator's free memory is measured on glibc (this project's machines), or the
    // report says why not; never silently absent.
    const b = memory.breakdown;
    // chDB's merges in flight and its caches at the reading (embedded store).
    expect(b?.chdb_merges).toBeGreaterThanOrEqual(0);
    expect(b?.chdb_merges_bytes).toBeGreaterThanOrEqual(0);
    expect(b?.chdb_cache_bytes).toBeTypeOf('object');
    if (glibcRuntime() === undefined) expect(b?.malloc_trim_unavailable).toBeTruthy();
    else {
      expect(b?.malloc_trim_unavailable).toBeUndefined();
      expect(typeof b?.allocator_free_bytes).toBe('number');
      expect(b?.malloc_trim_ms).toBeGreaterThanOrEqual(0);
    }
  });
});
