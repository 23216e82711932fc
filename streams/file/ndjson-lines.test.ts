import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ndjsonLines, type NdjsonLine } from './ndjson-lines.ts';

async function collect(chunks: Array<string | Buffer>, maxLineBytes?: number) {
  const out: NdjsonLine[] = [];
  for await (const line of ndjsonLines(Readable.from(chunks), { maxLineBytes })) out.push(line);
  return out.map((l) => ({
    text: l.bytes.toString('utf8'),
    line: l.line,
    size: l.size,
    t: l.truncated,
  }));
}

describe('ndjsonLines', () => {
  it('splits LF and CRLF lines and keeps a last line without newline', async () => {
    expect(await collect(['{"a":1}\r\n{"b"', ':2}\n{"c":3}'])).toEqual([
      { text: '{"a":1}', line: 1, size: 7, t: false },
      { text: '{"b":2}', line: 2, size: 7, t: false },
      { text: '{"c":3}', line: 3, size: 7, t: false },
    ]);
  });

  it('skips blank lines but counts them in line numbers', async () => {
    const lines = await collect(['\n{"a":1}\n\r\n\n{"b":2}\n\n']);
    expect(lines.map((l) => [l.line, l.text])).toEqual([
      [2, '{"a":1}'],
      [5, '{"b":2}'],
    ]);
  });

  it('handles a CR split from its LF across chunks', async () => {
    expect((await collect(['{"a":1}\r', '\n{"b":2}'])).map((l) => l.text)).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('keeps only a prefix of an over-long line and reports its full size', async () => {
    const long = 'x'.repeat(5_000);
    const lines = await collect(
      [`{"a":1}\n${long.slice(0, 1234)}`, `${long.slice(1234)}\r\n{"b":2}`],
      100,
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toEqual({ text: 'x'.repeat(100), line: 2, size: 5_000, t: true });
    expect(lines[2]?.text).toBe('{"b":2}');
  });

  it('does not split multi-byte characters across chunk boundaries', async () => {
    const bytes = Buffer.from('{"t":"é€𝄞"}\n', 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect((await collect(chunks)).map((l) => l.text)).toEqual(['{"t":"é€𝄞"}']);
  });

  it('drops a UTF-8 byte-order mark before the first line', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const lines = await collect([Buffer.concat([bom, Buffer.from('{"a":1}\n')])]);
    expect(lines).toEqual([{ text: '{"a":1}', line: 1, size: 7, t: false }]);
  });
});
