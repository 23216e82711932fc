import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { parseLabelledCsv, readLabelledCsv } from './load-csv.ts';

describe('parseLabelledCsv', () => {
  it('takes every column but `label` as a feature, wherever `label` is', () => {
    const dataset = parseLabelledCsv('a,label,b\r\n1,0,2.5\r\n3,1,-4\r\n\r\n');
    expect(dataset.featureNames).toEqual(['a', 'b']);
    expect(Array.from(dataset.matrix.data)).toEqual([1, 2.5, 3, -4]);
    expect(Array.from(dataset.labels)).toEqual([0, 1]);
    expect(dataset.matrix).toMatchObject({ rows: 2, cols: 2 });
  });

  it('names the line and column of bad input', () => {
    const parse = (text: string) => () => parseLabelledCsv(text, 'data.csv');
    expect(parse('a,b\n1,2\n3,4')).toThrow(/data.csv: no "label" column/);
    expect(parse('a,label\n1,0\n2,x')).toThrow(
      /line 3, column "label": "x" is not a finite number/,
    );
    expect(parse('a,label\n1,0\n,1')).toThrow(/line 3, column "a": "" is not a finite number/);
    expect(parse('a,label\n1,0\n2,1,5')).toThrow(/line 3 has 3 fields, the header has 2/);
    expect(parse('a,label\n1,0\n2,2')).toThrow(/line 3: label is 2, expected 0 or 1/);
    expect(parse('a,label\n1,0')).toThrow(/at least 2 data rows/);
    expect(parse('label\n1\n0')).toThrow(VigieError);
  });
});

describe('readLabelledCsv', () => {
  it('reads a file and reports a missing one as BAD_REQUEST', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-csv-'));
    try {
      const file = join(dir, 'x.csv');
      await writeFile(file, 'f0,label\n1,0\n9,1\n');
      expect((await readLabelledCsv(file)).labels).toEqual(Uint8Array.of(0, 1));
      await expect(readLabelledCsv(join(dir, 'missing.csv'))).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/ENOENT/),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
