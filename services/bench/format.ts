import type { BenchReport } from './report.ts';

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

type Row = [string, string, string, string, string];

/** The report as a plain-text table: what was measured, Vigie, the baseline, the target. */
export function formatBenchTable(report: BenchReport): string {
  const rows: Row[] = [['measurement', 'vigie', 'baseline (same run)', 'target', 'met']];
  const s = report.sections;
  const mark = (met: boolean) => (met ? 'yes' : 'NO');
  const failed = (name: string, section: { status: string; reason?: string } | undefined) => {
    if (section && section.status !== 'ok') {
      rows.push([name, section.status, (section.reason ?? '').slice(0, 60), '', '']);
    }
  };
  if (s.e2e?.status === 'ok') {
    const e = s.e2e.result;
    rows.push([
      'Kafka → store + features + score',
      `${n(e.pipeline.events_per_s)} ev/s`,
      `${n(e.baseline.events_per_s)} msg/s (read + JSON.parse)`,
      `≥ ${n(e.target.target)} ev/s`,
      mark(e.target.met),
    ]);
    const l = e.latency;
    rows.push([
      `produce → score at ${n(l.rate_per_s)} ev/s`,
      `p50 ${n(l.produce_to_score.p50_ms)} ms, p99 ${n(l.produce_to_score.p99_ms)} ms`,
      l.completed ? '' : 'not all events done in time',
      `p99 < ${n(l.target.target)} ms`,
      mark(l.target.met),
    ]);
  } else failed('Kafka end to end', s.e2e);
  if (s.replay?.status === 'ok') {
    const r = s.replay.result;
    rows.push([
      'file replay',
      `${n(r.pipeline.events_per_s)} ev/s`,
      `${n(r.baseline.events_per_s)} lines/s (read + parse + zod)`,
      `≥ ${n(r.target.target)} ev/s`,
      mark(r.target.met),
    ]);
  } else failed('file replay', s.replay);
  if (s.priority?.status === 'ok') {
    const p = s.priority.result;
    rows.push([
      `priority notice, ${n(p.backlog)} queued`,
      `max ${n(p.priority.max_ms)} ms (p50 ${n(p.priority.p50_ms)})`,
      `${n(p.baseline.latency_ms)} ms on the main topic`,
      `< ${n(p.target.target)} ms`,
      mark(p.target.met),
    ]);
  } else failed('priority lane', s.priority);
  if (s.detector?.status === 'ok') {
    const d = s.detector.result;
    rows.push([
      `scoring ${n(d.rows)} sellers`,
      `${n(Math.max(d.vigie.single_thread.sellers_per_s, d.vigie.parallel.sellers_per_s))}/s (${d.speedup}×)`,
      `${n(d.baseline.score.sellers_per_s)}/s ml-isolation-forest (per CPU: ${d.speedup_per_cpu}×)`,
      `≥ ${d.target.target}×`,
      mark(d.target.met),
    ]);
    rows.push([
      'training',
      `${n(d.vigie.train_ms)} ms (${n(d.rows)} rows, ψ ${d.sample_size})`,
      `${d.baseline.train_ms} ms (${d.sample_size} rows)`,
      '',
      '',
    ]);
  } else failed('detector', s.detector);
  if (s.memory?.status === 'ok') {
    const m = s.memory.result;
    rows.push([
      `memory, ${n(m.sellers)} sellers`,
      `${n(m.rss_bytes_per_seller)} B RSS/seller (heap ${n(m.heap_bytes_per_seller)})`,
      `${n(m.before.rss_bytes / 2 ** 20)} MiB RSS before`,
      `≤ ${n(m.target.target)} B`,
      mark(m.target.met),
    ]);
    const b = m.breakdown;
    if (b) {
      const per = (bytes: number) => n(bytes / m.sellers);
      const merging =
        b.chdb_merges === undefined || b.chdb_merges === 0
          ? ''
          : ` (merges ${per(b.chdb_merges_bytes ?? 0)}, ${n(b.chdb_merges)} running)`;
      const chdb =
        b.chdb_tracked_bytes === undefined ? '' : `, chDB ${per(b.chdb_tracked_bytes)}${merging}`;
      const code = b.rss_file_bytes === undefined ? '' : `, code ${per(b.rss_file_bytes)}`;
      const free =
        b.allocator_free_bytes === undefined
          ? ''
          : ` (${per(b.allocator_free_bytes)} free in malloc)`;
      rows.push([
        '  of which, B/seller',
        `V8 pages ${per(b.heap_total_bytes)}${chdb}, external ${per(b.external_bytes)}, ` +
          `other ${per(b.other_bytes)}${free}${code}`,
        `recent-id cache ${n(b.recent_ids.heap_bytes / 2 ** 20)} MiB of the heap`,
        '',
        '',
      ]);
    }
  } else failed('memory', s.memory);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
