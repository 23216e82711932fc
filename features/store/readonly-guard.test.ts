import { describe, expect, it } from 'vitest';
import { checkReadonlyStatement } from './readonly-guard.ts';

/** EXPLAIN AST output as ClickHouse 26.7 prints it, for a few statements. */
const SELECT_AST = [
  'SelectWithUnionQuery (children 1)',
  ' ExpressionList (children 1)',
  '  SelectQuery (children 2)',
  '   ExpressionList (children 1)',
  '    Asterisk',
  '   TablesInSelectQuery (children 1)',
  '    TablesInSelectQueryElement (children 1)',
  '     TableExpression (children 1)',
  '      TableIdentifier events',
];

describe('read-only statement guard', () => {
  it('allows reads', () => {
    expect(checkReadonlyStatement('SELECT *\nFROM events', SELECT_AST)).toEqual({ ok: true });
    expect(checkReadonlyStatement('SHOW TABLES', ['ShowTables'])).toEqual({ ok: true });
    expect(
      checkReadonlyStatement('DESCRIBE TABLE events', [
        'DescribeQuery (children 1)',
        ' TableExpression (children 1)',
        '  TableIdentifier events',
      ]),
    ).toEqual({ ok: true });
    expect(
      checkReadonlyStatement('EXPLAIN\nSELECT *\nFROM events', [
        'Explain EXPLAIN (children 1)',
        ...SELECT_AST.map((l) => ` ${l}`),
      ]),
    ).toEqual({ ok: true });
  });

  it('refuses writes and other statements by their AST root', () => {
    const verdict = checkReadonlyStatement('INSERT INTO events FORMAT Values', [
      'InsertQuery   (children 2)',
      ' Identifier events',
    ]);
    expect(verdict).toEqual({
      ok: false,
      reason: 'only SELECT, WITH, SHOW, DESCRIBE, EXISTS and EXPLAIN are allowed (got InsertQuery)',
    });
    expect(checkReadonlyStatement('SYSTEM FLUSH LOGS', ['SYSTEM query']).ok).toBe(false);
    expect(checkReadonlyStatement('SET readonly = 0', ['Set']).ok).toBe(false);
    expect(
      checkReadonlyStatement('EXPLAIN\nINSERT INTO events SELECT 1', [
        'Explain EXPLAIN (children 1)',
        ' InsertQuery   (children 3)',
      ]),
    ).toEqual({ ok: false, reason: 'EXPLAIN is allowed for SELECT statements only' });
  });

  it('refuses top-level INTO OUTFILE, FORMAT and SETTINGS clauses', () => {
    const clauses: Array<[string, string]> = [
      ["INTO OUTFILE '/tmp/x'", 'INTO OUTFILE'],
      ['FORMAT CSV', 'FORMAT'],
      ['SETTINGS max_threads = 1', 'SETTINGS'],
    ];
    for (const [clause, name] of clauses) {
      const verdict = checkReadonlyStatement(`SELECT 1\n${clause}`, SELECT_AST);
      expect(verdict.ok).toBe(false);
      expect(!verdict.ok && verdict.reason.startsWith(name)).toBe(true);
    }
    // Inside a literal (escaped by formatQuery) the words are data, not clauses.
    expect(checkReadonlyStatement("SELECT 'a\\nFORMAT b'", SELECT_AST)).toEqual({ ok: true });
  });

  it('refuses nested SETTINGS and the file() function wherever they are', () => {
    expect(
      checkReadonlyStatement('SELECT *\nFROM (SELECT 1 SETTINGS readonly = 0)', [
        ...SELECT_AST,
        '      Set',
      ]),
    ).toMatchObject({ ok: false });
    expect(
      checkReadonlyStatement("SELECT file('/etc/passwd')", [
        ...SELECT_AST,
        '    Function file (children 1)',
      ]),
    ).toEqual({ ok: false, reason: 'function file() is not allowed' });
    expect(
      checkReadonlyStatement('SELECT fileName', [
        ...SELECT_AST,
        '    Function filesystemAvailable',
      ]),
    ).toEqual({ ok: true });
  });
});
