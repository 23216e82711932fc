import { VigieError } from '../../streams/errors.ts';

/** The published figures of one data set, as given in the data sets' README table. */
export interface ReferenceFigures {
  file: string;
  rows: number;
  features: number;
  anomalies: number;
  sklearn_auc_mean: number;
  sklearn_auc_sd: number;
  sklearn_ap: number;
  /** Liu, Ting & Zhou 2008, Table 3; null where the paper has none. */
  liu_2008_auc: number | null;
}

const cell = (s: string): string => s.trim().replace(/^`(.*)`$/, '$1');

function num(text: string, what: string, line: number): number {
  const n = Number(text.replace(/,/g, ''));
  if (!Number.isFinite(n)) {
    throw new VigieError(
      'BAD_REQUEST',
      `data sets README line ${line}: ${what} "${text}" is not a number`,
      {
        context: { line },
      },
    );
  }
  return n;
}

/**
 * Reads the reference table of `../shared/datasets/anomaly/README.md`: the header names the
 * columns (file, rows, features, anomalies, scikit-learn ROC-AUC "m ± sd", scikit-learn AP,
 * Liu 2008 AUC), each data row one CSV. Columns are found by their header text, so a reordered
 * table still reads right; a table that lacks one is an error naming it.
 */
export function parseReferenceTable(markdown: string): Map<string, ReferenceFigures> {
  const lines = markdown.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => /^\|\s*file\s*\|/i.test(l));
  if (headerAt < 0) {
    throw new VigieError('BAD_REQUEST', 'data sets README: no table whose first column is "file"');
  }
  const header = lines[headerAt]!.split('|')
    .slice(1, -1)
    .map((h) => h.trim().toLowerCase());
  const col = (test: (h: string) => boolean, name: string): number => {
    const i = header.findIndex(test);
    if (i < 0) {
      throw new VigieError('BAD_REQUEST', `data sets README: the table has no "${name}" column`, {
        context: { header },
      });
    }
    return i;
  };
  const cFile = col((h) => h === 'file', 'file');
  const cRows = col((h) => h === 'rows', 'rows');
  const cFeatures = col((h) => h === 'features', 'features');
  const cAnomalies = col((h) => h === 'anomalies', 'anomalies');
  const cAuc = col((h) => h.includes('scikit') && h.includes('roc-auc'), 'scikit-learn ROC-AUC');
  const cAp = col((h) => h.includes('scikit') && /\bap\b/.test(h), 'scikit-learn AP');
  const cLiu = col((h) => h.includes('liu'), 'Liu 2008 AUC');

  const out = new Map<string, ReferenceFigures>();
  for (let i = headerAt + 2; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim().startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map(cell);
    const lineNo = i + 1;
    const auc = /^([\d.]+)\s*±\s*([\d.]+)$/.exec(cells[cAuc] ?? '');
    if (!auc) {
      throw new VigieError(
        'BAD_REQUEST',
        `data sets README line ${lineNo}: expected "mean ± sd" for the scikit-learn ROC-AUC, got "${cells[cAuc]}"`,
        { context: { line: lineNo } },
      );
    }
    const liu = cells[cLiu] ?? '';
    const file = cells[cFile]!;
    out.set(file, {
      file,
      rows: num(cells[cRows] ?? '', 'rows', lineNo),
      features: num(cells[cFeatures] ?? '', 'features', lineNo),
      anomalies: num((cells[cAnomalies] ?? '').split(/\s/)[0] ?? '', 'anomalies', lineNo),
      sklearn_auc_mean: num(auc[1]!, 'ROC-AUC', lineNo),
      sklearn_auc_sd: num(auc[2]!, 'ROC-AUC sd', lineNo),
      sklearn_ap: num(cells[cAp] ?? '', 'AP', lineNo),
      liu_2008_auc: /^[\d.]+$/.test(liu) ? num(liu, 'Liu AUC', lineNo) : null,
    });
  }
  if (out.size === 0) {
    throw new VigieError('BAD_REQUEST', 'data sets README: the reference table has no rows');
  }
  return out;
}
