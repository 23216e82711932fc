import { readFile } from 'node:fs/promises';
import { VigieError } from '../../streams/errors.ts';
import type { Matrix } from '../../detectors/forest/index.ts';

/** A numeric CSV with a 0/1 `label` column (1 = anomaly); every other column is a feature. */
export interface LabelledDataset {
  readonly matrix: Matrix;
  readonly labels: Uint8Array;
  readonly featureNames: readonly string[];
}

function bad(source: string, message: string, context: Record<string, unknown> = {}): VigieError {
  return new VigieError('BAD_REQUEST', `${source}: ${message}`, { context: { ...context } });
}

/** Parses CSV text (header line first); errors name the line and column. */
export function parseLabelledCsv(text: string, source = 'csv'): LabelledDataset {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((name) => name.trim().replace(/^"(.*)"$/, '$1'));
  const labelAt = header.indexOf('label');
  if (labelAt < 0) throw bad(source, `no "label" column in the header (${header.join(',')})`);
  if (header.length < 2) throw bad(source, 'expected at least one feature column besides "label"');
  const rows = lines.length - 1;
  if (rows < 2) throw bad(source, `expected at least 2 data rows, got ${Math.max(rows, 0)}`);

  const cols = header.length - 1;
  const data = new Float64Array(rows * cols);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const lineNumber = r + 2;
    const fields = (lines[r + 1] as string).split(',');
    if (fields.length !== header.length) {
      throw bad(
        source,
        `line ${lineNumber} has ${fields.length} fields, the header has ${header.length}`,
        {
          line: lineNumber,
        },
      );
    }
    let c = 0;
    fields.forEach((field, i) => {
      const trimmed = field.trim();
      const value = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(value)) {
        throw bad(
          source,
          `line ${lineNumber}, column "${header[i]}": "${trimmed}" is not a finite number`,
          {
            line: lineNumber,
            column: header[i],
          },
        );
      }
      if (i === labelAt) {
        if (value !== 0 && value !== 1) {
          throw bad(source, `line ${lineNumber}: label is ${trimmed}, expected 0 or 1`, {
            line: lineNumber,
          });
        }
        labels[r] = value;
      } else {
        data[r * cols + c++] = value;
      }
    });
  }
  return {
    matrix: { rows, cols, data },
    labels,
    featureNames: header.filter((_, i) => i !== labelAt),
  };
}

/** Reads and parses a labelled CSV file; a missing or unreadable file is a BAD_REQUEST. */
export async function readLabelledCsv(path: string): Promise<LabelledDataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new VigieError('BAD_REQUEST', `cannot read ${path}: ${code}`, {
      cause: err,
      context: { path },
    });
  }
  return parseLabelledCsv(text, path);
}
