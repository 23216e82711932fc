import { describe, expect, it } from 'vitest';
import { Rng } from './prng.ts';
import { IsoClock, World } from './world.ts';

describe('World', () => {
  it('runs tasks by time, ties in scheduling order, and drops tasks past the end', () => {
    const world = new World({ startMs: 0, endMs: 1_000, idPrefix: 't' });
    const ran: string[] = [];
    const rng = new Rng(7);
    const expected: Array<{ at: number; name: string; seq: number }> = [];
    for (let i = 0; i < 500; i++) {
      const at = rng.int(0, 1_200);
      const name = `t${i}`;
      world.at(at, () => ran.push(name));
      if (at < 1_000) expected.push({ at, name, seq: i });
    }
    world.at(10, () => {
      // A task scheduled "in the past" runs now, after what is already due now.
      world.at(0, () => ran.push('late'));
    });
    while (world.step());
    expected.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const order = ran.filter((n) => n !== 'late');
    expect(order).toEqual(expected.map((e) => e.name));
    expect(ran.indexOf('late')).toBeGreaterThan(
      ran.lastIndexOf(expected.filter((e) => e.at <= 10).pop()!.name),
    );
  });
});

describe('IsoClock', () => {
  it('formats exactly like Date#toISOString, in any order of times', () => {
    const clock = new IsoClock();
    const rng = new Rng(3);
    const base = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 20_000; i++) {
      const ms =
        i % 5 === 0
          ? Math.floor(rng.range(-4e11, 4e11)) + base
          : base + Math.floor(rng.range(0, 90 * 86_400_000));
      expect(clock.format(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
