import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.ts';
import { formatDateTime64 } from './sql.ts';

/** The text `toISOString` gives, which the arithmetic in formatDateTime64 must reproduce. */
const viaIso = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
};

describe('formatDateTime64', () => {
  it('writes the same text as toISOString over the four-digit years', () => {
    const edges = [
      0,
      1,
      999,
      86_399_999,
      86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999), // leap day of a 400-year leap year
      Date.UTC(2100, 2, 1), // after the 28 February of a 100-year non-leap year
      Date.UTC(2024, 11, 31, 12),
      253_402_300_799_999, // 9999-12-31 23:59:59.999
    ];
    const random = mulberry32(7);
    const samples = Array.from({ length: 20_000 }, () =>
      Math.floor(random() * 253_402_300_800_000),
    );
    for (const ms of [...edges, ...samples]) expect(formatDateTime64(ms)).toBe(viaIso(ms));
  });

  it('keeps toISOString for times outside them', () => {
    expect(formatDateTime64(1.5)).toBe(viaIso(1.5));
    expect(formatDateTime64(-1)).toBe(viaIso(-1));
    expect(() => formatDateTime64(Number.NaN)).toThrow(RangeError);
  });
});
