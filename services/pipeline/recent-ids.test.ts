import { describe, expect, it } from 'vitest';
import { createRecentIds } from './recent-ids.ts';

describe('createRecentIds', () => {
  it('evicts the oldest ids beyond its capacity, keeping re-added ones young', () => {
    const ids = createRecentIds(3);
    ids.addAll(['a', 'b', 'c']);
    ids.addAll(['a']); // a is young again
    ids.addAll(['d']); // evicts b
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
    expect(ids.size).toBe(3);
  });
});
