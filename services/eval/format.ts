import { FLAG_KINDS } from '../../streams/contract/vocabularies.ts';
import { SELLER_CLASSES } from '../simulator/index.ts';
import type { DatasetResult } from './datasets.ts';
import { EXPECTED_KIND, NEGATIVE_CLASSES } from './marketplace-metrics.ts';
import type { EvalReport, MarketplaceReport } from './report-types.ts';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const f3 = (x: number | null): string => (x === null ? '—' : x.toFixed(3));
const f4 = (x: number | null | undefined): string =>
  x === null || x === undefined ? '—' : x.toFixed(4);
const int = (x: number): string => x.toLocaleString('en-US');

/** Aligned columns: numbers right, text left (first column). */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

function marketplaceText(m: MarketplaceReport): string {
  const { metrics } = m;
  const negative: ReadonlySet<string> = new Set(NEGATIVE_CLASSES);
  const rows = SELLER_CLASSES.map((cls) => {
    const c = metrics.classes[cls];
    const expected = EXPECTED_KIND[cls];
    const role = cls === 'drifter' ? 'drifter' : negative.has(cls) ? 'FPR' : 'recall';
    return [
      cls,
      int(c.sellers),
      int(c.flagged),
      `${pct(c.flagged_share)} ${role}`,
      expected === undefined ? '—' : `${expected} ${pct(c.right_kind_share)}`,
      ...FLAG_KINDS.map((k) => pct(c.kinds[k])),
    ];
  });
  const o = metrics.overall;
  const d = metrics.drifters;
  const kinds = FLAG_KINDS.map(
    (k) => `${k} ${int(metrics.kinds[k].sellers)} (precision ${f3(metrics.kinds[k].precision)})`,
  ).join(', ');
  const targets = m.targets
    .map(
      (t) =>
        `  [${t.met ? 'ok' : 'MISS'}] ${t.description}: ${f3(t.value)} (target ${t.op} ${t.target})`,
    )
    .join('\n');
  return [
    `Simulated marketplace: ${int(m.sellers_requested)} sellers × ${m.days} days, seed ${m.seed}`,
    `  stream ${int(m.simulation.lines)} lines; replay ${int(m.replay.accepted)} accepted, ` +
      `${int(m.replay.duplicates)} duplicates, ${int(m.replay.rejected)} rejected, ` +
      `${int(m.replay.events_per_s)} lines/s; ${m.detector.trainings} trainings ` +
      `(every ${m.train_every_h} h of event time + final); ${int(metrics.flags)} flags on ` +
      `${int(metrics.flagged_sellers)} sellers`,
    '',
    table(['class', 'sellers', 'flagged', 'share', 'right kind', ...FLAG_KINDS], rows),
    '',
    `precision ${f3(o.precision)}  recall ${f3(o.recall)}  ` +
      `(positives = recidivist + evader + ban_evader: ${int(o.positives)}; ` +
      `TP ${int(o.true_positives)}, FP ${int(o.false_positives)}; ` +
      `precision counting drifters as hits ${f3(o.precision_with_drifters)})`,
    `drifters: ${int(d.flagged)}/${int(d.sellers)} flagged; before their first takedown ` +
      `${pct(d.flagged_before_takedown_share)} of all drifters (taken-down ones: ` +
      `${int(d.taken_down_flagged_before)}/${int(d.with_takedown)}, median lead ` +
      `${d.median_lead_hours === null ? '—' : `${Math.round(d.median_lead_hours)} h`}; ` +
      `emitted before it: ${pct(m.drifters_emitted_before_takedown_share)})`,
    `kinds: ${kinds}`,
    '',
    'targets (issue 7):',
    targets,
  ].join('\n');
}

function datasetsText(rows: readonly DatasetResult[]): string {
  const auc = (m: { auc_mean: number; auc_sd: number } | null): string =>
    m === null ? '—' : `${f4(m.auc_mean)} ± ${f4(m.auc_sd)}`;
  return [
    'Real data sets — the isolation forest alone (100 trees, ψ = 256, 5 seeds; fit and score all rows)',
    '',
    table(
      [
        'data set',
        'rows',
        'anomalies',
        'Vigie AUC',
        'AP',
        'ml-isolation-forest AUC',
        'AP',
        'scikit-learn AUC',
        'AP',
        'Δ AUC',
        '≥ −0.01',
        'noise tol.',
      ],
      rows.map((r) => [
        r.file.replace(/\.csv$/, ''),
        int(r.rows),
        int(r.anomalies),
        auc(r.vigie),
        f4(r.vigie.ap_mean),
        auc(r.ml_isolation_forest),
        f4(r.ml_isolation_forest?.ap_mean),
        r.scikit_learn
          ? auc({ auc_mean: r.scikit_learn.auc_mean, auc_sd: r.scikit_learn.auc_sd })
          : '—',
        f4(r.scikit_learn?.ap),
        r.auc_delta_vs_sklearn === null
          ? '—'
          : `${r.auc_delta_vs_sklearn >= 0 ? '+' : ''}${r.auc_delta_vs_sklearn.toFixed(4)}`,
        r.meets_auc_target === null ? '—' : r.meets_auc_target ? 'ok' : 'MISS',
        r.noise_tolerance === null
          ? '—'
          : `${r.within_noise ? 'ok' : 'MISS'} (${r.noise_tolerance.toFixed(3)})`,
      ]),
    ),
  ].join('\n');
}

/** The terminal rendering of an evaluation report. */
export function formatEvalReport(report: EvalReport): string {
  const parts: string[] = [];
  if (report.marketplace) parts.push(marketplaceText(report.marketplace));
  if (report.datasets) parts.push(datasetsText(report.datasets));
  const yesNo = (x: boolean | null): string => (x === null ? 'not run' : x ? 'yes' : 'NO');
  parts.push(
    `policy ${report.policy.source} (sha256 ${report.policy.sha256.slice(0, 12)}); ` +
      `marketplace targets met: ${yesNo(report.marketplace_targets_met)}; ` +
      `data-set AUCs within 0.01 of scikit-learn: ${yesNo(report.dataset_auc_targets_met)}; ` +
      `${Math.round(report.elapsed_ms / 1000)} s`,
  );
  return `${parts.join('\n\n')}\n`;
}
