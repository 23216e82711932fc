/** Output formats of the analyst commands. */
export const OUTPUT_FORMATS = ['json', 'table', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

type Row = Record<string, unknown>;

function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(cell(row[c]))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Columns padded to their widest value; line breaks inside values shown as ↵. */
export function toTable(rows: readonly Row[]): string {
  const columns = columnsOf(rows);
  if (columns.length === 0) return '(no rows)\n';
  const text = rows.map((row) => columns.map((c) => cell(row[c]).replace(/\r?\n/g, '↵')));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n')}\n`;
}

export function formatRows(rows: readonly Row[], format: OutputFormat): string {
  if (format === 'csv') return toCsv(rows);
  if (format === 'table') return toTable(rows);
  return `${JSON.stringify(rows, null, 2)}\n`;
}
