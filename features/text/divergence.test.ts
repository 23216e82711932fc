import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { jensenShannon, normaliseText, textChangeRatio, tokenDistribution } from './index.ts';

describe('tokenDistribution', () => {
  it('gives relative frequencies', () => {
    const dist = tokenDistribution(['a', 'b', 'a', 'c']);
    expect(dist.get('a')).toBe(0.5);
    expect(dist.get('b')).toBe(0.25);
    expect([...dist.values()].reduce((s, v) => s + v, 0)).toBe(1);
    expect(tokenDistribution([]).size).toBe(0);
  });
});

describe('jensenShannon', () => {
  const p = tokenDistribution(['poupe', 'reborn', 'realiste', 'poupe']);
  const q = tokenDistribution(['poupe', 'barbie', 'vintage']);

  it('is 0 for identical distributions, 1 for disjoint ones', () => {
    expect(jensenShannon(p, new Map(p))).toBe(0);
    expect(jensenShannon(p, tokenDistribution(['telephone', 'iphone']))).toBeCloseTo(1, 12);
  });

  it('is symmetric and lies strictly between for partial overlap', () => {
    const pq = jensenShannon(p, q);
    expect(pq).toBe(jensenShannon(q, p));
    expect(pq).toBeGreaterThan(0);
    expect(pq).toBeLessThan(1);
  });

  it('grows as vocabulary drifts away', () => {
    const base = tokenDistribution(['robe', 'fille', 'rose', 'coton']);
    const slight = tokenDistribution(['robe', 'fille', 'rose', 'lin']);
    const far = tokenDistribution(['robe', 'montre', 'luxe', 'replique']);
    expect(jensenShannon(base, slight)).toBeLessThan(jensenShannon(base, far));
  });

  it('accepts counts and does not depend on insertion order', () => {
    const counts = new Map([
      ['a', 2],
      ['b', 1],
    ]);
    const reversed = new Map([...counts].reverse());
    const probs = tokenDistribution(['a', 'a', 'b']);
    expect(jensenShannon(counts, q)).toBe(jensenShannon(reversed, q));
    expect(jensenShannon(counts, q)).toBeCloseTo(jensenShannon(probs, q), 12);
  });

  it('handles empty distributions and rejects bad weights', () => {
    expect(jensenShannon(new Map(), new Map())).toBe(0);
    expect(jensenShannon(p, new Map())).toBe(1);
    expect(() => jensenShannon(new Map([['a', -1]]), p)).toThrow(VigieError);
    expect(() => jensenShannon(p, new Map([['a', Number.NaN]]))).toThrow(VigieError);
  });
});

describe('textChangeRatio', () => {
  const before = normaliseText('Poupée reborn réaliste 55 cm yeux bleus');

  it('sees no change in an edit that only disguises letters', () => {
    expect(
      textChangeRatio(before, normaliseText('P0upée r.e.b.o.r.n rе\u200bаliste 55cm yeux bleus')),
    ).toBe(0);
  });

  it('grows with the share of words changed', () => {
    const small = textChangeRatio(before, normaliseText('Poupée reborn réaliste 55 cm yeux verts'));
    const large = textChangeRatio(
      before,
      normaliseText('Montre de luxe automatique bracelet acier'),
    );
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(0.3);
    expect(large).toBe(1);
    expect(textChangeRatio(normaliseText(''), normaliseText(''))).toBe(0);
  });
});
