/**
 * Decides whether one analyst statement may run, from ClickHouse's own reading of it: the text
 * `formatQuery` gives back (comments gone, literals escaped, top-level clauses at the start of a
 * line) and its `EXPLAIN AST`. ClickHouse's `readonly=1` then enforces "no writes" at execution;
 * this guard refuses what readonly lets through: writing a file (INTO OUTFILE), reading one
 * (the `file()` function), changing limits (SETTINGS) and statements other than reads.
 */

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

/** AST root nodes of statements that only read. */
const READ_ROOTS = [
  /^SelectWithUnionQuery\b/,
  /^ShowTables\b/, // SHOW TABLES / DATABASES / SETTINGS
  /^ShowColumns\b/,
  /^ShowCreateTableQuery\b/,
  /^DescribeQuery\b/,
  /^ExistsTableQuery\b/,
];
const EXPLAIN_ROOT = /^Explain EXPLAIN\b/;

/** Functions refused anywhere: `file()` reads any file the process can, even under readonly. */
const DENIED_FUNCTIONS = new Set(['file']);

export function checkReadonlyStatement(
  formatted: string,
  astLines: readonly string[],
): GuardVerdict {
  const clause = /^(INTO\s+OUTFILE|FORMAT|SETTINGS)\b/m.exec(formatted);
  if (clause) {
    return {
      ok: false,
      reason: `${clause[1]!.replace(/\s+/, ' ')} clauses are not allowed; Vigie sets the output format and limits`,
    };
  }
  const root = (astLines[0] ?? '').trim();
  if (EXPLAIN_ROOT.test(root)) {
    const inner = (astLines[1] ?? '').trim();
    if (!/^SelectWithUnionQuery\b/.test(inner)) {
      return { ok: false, reason: 'EXPLAIN is allowed for SELECT statements only' };
    }
  } else if (!READ_ROOTS.some((r) => r.test(root))) {
    const kind = root.split(/\s/)[0] || 'empty statement';
    return {
      ok: false,
      reason: `only SELECT, WITH, SHOW, DESCRIBE, EXISTS and EXPLAIN are allowed (got ${kind})`,
    };
  }
  for (const line of astLines) {
    const node = line.trim();
    if (node === 'Set' || node.startsWith('Set ')) {
      return { ok: false, reason: 'SETTINGS clauses are not allowed; Vigie sets the limits' };
    }
    const fn = /^Function (\w+)/.exec(node);
    if (fn && DENIED_FUNCTIONS.has(fn[1]!)) {
      return { ok: false, reason: `function ${fn[1]}() is not allowed` };
    }
  }
  return { ok: true };
}
