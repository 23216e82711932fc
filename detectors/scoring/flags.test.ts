import { describe, expect, it } from 'vitest';
import { decideFlag, type FlagSnapshot } from './decide.ts';
import { flagId } from './flag-id.ts';

const DAY = 86_400_000;
const ev = (listing_ids: string[], linked_seller_ids: string[] = []) => ({
  listing_ids,
  linked_seller_ids,
});

describe('flagId', () => {
  const base = {
    seller_id: 'seller-1',
    kinds: ['recidivist', 'evasive'] as const,
    severity: 'high' as const,
    evidence: ev(['l-2', 'l-1'], ['s-1']),
  };

  it('is stable across calls and ignores the order of kinds and ids', () => {
    const id = flagId(base);
    expect(id).toMatch(/^flg_[0-9a-f]{32}$/);
    expect(flagId({ ...base })).toBe(id);
    expect(
      flagId({ ...base, kinds: ['evasive', 'recidivist'], evidence: ev(['l-1', 'l-2'], ['s-1']) }),
    ).toBe(id);
  });

  it('changes with the seller, a kind, the severity or the evidence', () => {
    const id = flagId(base);
    expect(flagId({ ...base, seller_id: 'seller-2' })).not.toBe(id);
    expect(flagId({ ...base, kinds: ['recidivist'] })).not.toBe(id);
    expect(flagId({ ...base, severity: 'critical' })).not.toBe(id);
    expect(flagId({ ...base, evidence: ev(['l-1', 'l-2', 'l-3'], ['s-1']) })).not.toBe(id);
    expect(flagId({ ...base, evidence: ev(['l-1', 'l-2'], []) })).not.toBe(id);
  });
});

describe('decideFlag', () => {
  const options = { cooldownMs: 7 * DAY };
  const last: FlagSnapshot = {
    kinds: ['recidivist'],
    severity: 'medium',
    evidence: ev(['l-1', 'l-2']),
    as_of: 100 * DAY,
  };
  const same = (over: Partial<FlagSnapshot> = {}): FlagSnapshot => ({ ...last, ...over });

  it('emits the first flag of a seller', () => {
    expect(decideFlag(same(), { dismissed: [] }, options)).toEqual({ emit: true, reason: 'first' });
  });

  it('does not repeat an unchanged or weaker flag within the cool-down', () => {
    const state = { last, dismissed: [] };
    expect(decideFlag(same({ as_of: last.as_of + DAY }), state, options)).toEqual({
      emit: false,
      reason: 'cooldown',
    });
    expect(
      decideFlag(
        same({ severity: 'low', evidence: ev(['l-1']), as_of: last.as_of + DAY }),
        state,
        options,
      ),
    ).toEqual({ emit: false, reason: 'cooldown' });
  });

  it('re-emits when severity rises, a kind or evidence is new', () => {
    const state = { last, dismissed: [] };
    const at = last.as_of + DAY;
    expect(decideFlag(same({ severity: 'high', as_of: at }), state, options).reason).toBe(
      'severity_rose',
    );
    expect(
      decideFlag(same({ kinds: ['recidivist', 'evasive'], as_of: at }), state, options).reason,
    ).toBe('new_kind');
    expect(
      decideFlag(same({ evidence: ev(['l-1', 'l-3']), as_of: at }), state, options).reason,
    ).toBe('new_evidence');
    expect(
      decideFlag(same({ evidence: ev(['l-1', 'l-2'], ['s-9']), as_of: at }), state, options).reason,
    ).toBe('new_evidence');
  });

  it('re-emits an unchanged flag once the cool-down (event time) has passed', () => {
    const state = { last, dismissed: [] };
    expect(decideFlag(same({ as_of: last.as_of + 7 * DAY - 1 }), state, options).emit).toBe(false);
    expect(decideFlag(same({ as_of: last.as_of + 7 * DAY }), state, options)).toEqual({
      emit: true,
      reason: 'cooldown_elapsed',
    });
  });

  it('suppresses a flag whose evidence and kinds a dismissed flag covers, even if severer', () => {
    const dismissed = [
      {
        flag_id: 'flg_x',
        kinds: ['recidivist', 'evasive'] as const,
        evidence: ev(['l-1', 'l-2', 'l-3']),
      },
    ];
    const decision = decideFlag(
      same({ severity: 'critical', evidence: ev(['l-2', 'l-3']) }),
      { dismissed },
      options,
    );
    expect(decision).toEqual({ emit: false, reason: 'dismissed', flag_id: 'flg_x' });
  });

  it('lets new evidence or a new kind through a dismissal', () => {
    const dismissed = [
      { flag_id: 'flg_x', kinds: ['recidivist'] as const, evidence: ev(['l-1', 'l-2']) },
    ];
    expect(decideFlag(same({ evidence: ev(['l-1', 'l-9']) }), { dismissed }, options).emit).toBe(
      true,
    );
    expect(
      decideFlag(same({ kinds: ['recidivist', 'ban_evasion'] }), { dismissed }, options).emit,
    ).toBe(true);
  });
});
