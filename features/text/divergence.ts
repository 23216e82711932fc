import { VigieError } from '../../streams/errors.ts';
import type { NormalisedText } from './normalise.ts';

/** Relative frequency of each token (sums to 1; empty input gives an empty map). */
export function tokenDistribution(tokens: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const token of tokens) {
    counts.set(token, (counts.get(token) ?? 0) + 1);
    total += 1;
  }
  for (const [token, count] of counts) counts.set(token, count / total);
  return counts;
}

function total(dist: Map<string, number>, side: string): number {
  let sum = 0;
  for (const [token, value] of dist) {
    if (!Number.isFinite(value) || value < 0) {
      throw new VigieError(
        'BAD_REQUEST',
        `${side} distribution has a negative or non-finite weight`,
        {
          context: { side, tokenLength: token.length },
        },
      );
    }
    sum += value;
  }
  return sum;
}

/**
 * Jensen–Shannon divergence (base 2, so in [0, 1]) of two token distributions; counts are
 * accepted and normalised. Keys are visited in sorted order so that the same distributions built
 * in a different order give bit-identical results (the engine must not depend on arrival order).
 * Two empty distributions are identical (0); one empty and one not are disjoint (1).
 */
export function jensenShannon(p: Map<string, number>, q: Map<string, number>): number {
  const sp = total(p, 'left');
  const sq = total(q, 'right');
  if (sp === 0 && sq === 0) return 0;
  if (sp === 0 || sq === 0) return 1;
  const keys = [...new Set([...p.keys(), ...q.keys()])].sort();
  let sum = 0;
  for (const key of keys) {
    const a = (p.get(key) ?? 0) / sp;
    const b = (q.get(key) ?? 0) / sq;
    const m = (a + b) / 2;
    if (a > 0) sum += a * Math.log2(a / m);
    if (b > 0) sum += b * Math.log2(b / m);
  }
  return Math.min(1, Math.max(0, sum / 2));
}

/**
 * How much an edit changed a text, 0..1: one minus the Dice overlap of the two token multisets.
 * Measured on comparison tokens, so an edit that only swaps letters for look-alikes or leet
 * (`poupée` → `p0upée`) changes nothing — the filter-dodging edit this is meant to expose.
 */
export function textChangeRatio(before: NormalisedText, after: NormalisedText): number {
  const a = before.tokens;
  const b = after.tokens;
  if (a.length === 0 && b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const token of a) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of b) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(token, left - 1);
    }
  }
  return 1 - (2 * common) / (a.length + b.length);
}
