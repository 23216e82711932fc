import { describe, expect, it } from 'vitest';
import { formatRows, toCsv, toTable } from './output-format.ts';

describe('output formats', () => {
  const rows = [
    { id: 'a', note: 'plain', n: 1 },
    { id: 'b,c', note: 'say "hi"\nbye', n: null, extra: [1, 2] },
  ];

  it('writes RFC 4180 CSV: quotes, doubled quotes, line breaks, union of columns', () => {
    expect(toCsv(rows)).toBe('id,note,n,extra\na,plain,1,\n"b,c","say ""hi""\nbye",,"[1,2]"\n');
  });

  it('aligns a table and keeps each row on one line', () => {
    const lines = toTable(rows).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^id\s+note\s+n\s+extra$/);
    expect(lines[3]).toContain('say "hi"↵bye');
    expect(toTable([])).toBe('(no rows)\n');
  });

  it('writes JSON as one array', () => {
    expect(JSON.parse(formatRows(rows, 'json'))).toEqual(rows);
  });
});
