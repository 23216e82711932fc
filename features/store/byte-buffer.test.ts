import { describe, expect, it } from 'vitest';
import { grownBuffer, isWellFormedString } from './byte-buffer.ts';
import { encodeCsvRows } from './csv-rows.ts';

describe('the encoders’ shared buffer helpers', () => {
  it('grows by doubling past what is needed and keeps the bytes written so far', () => {
    const buf = Buffer.from('abcdefgh');
    const grown = grownBuffer(buf, 5, 40);
    expect(grown.length).toBe(64);
    expect(grown.subarray(0, 5).toString()).toBe('abcde');
  });

  it('tells a lone surrogate from a paired one', () => {
    expect(isWellFormedString('😀 é')).toBe(true);
    expect(isWellFormedString('\ud83d')).toBe(false);
  });

  it('lets the CSV encoder write a row larger than its first buffer', () => {
    const text = 'x'.repeat(20_000);
    expect(encodeCsvRows([[text]], ['string']).toString()).toBe(`"${text}"\n`);
  });
});
