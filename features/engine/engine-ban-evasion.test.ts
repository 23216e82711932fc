import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from './engine.ts';
import { createInMemoryCrossSellerIndex } from './in-memory-index.ts';
import { createTimeline, D, T0 } from './test-timeline.ts';
import type { AcceptedEvent } from './types.ts';

const PAYOUT = 'beefcafe01';
const standalone = () => createFeatureEngine({ crossSeller: createInMemoryCrossSellerIndex() });

describe('ban-evasion features', () => {
  const tl = createTimeline();
  const oldReg = tl.registered('old', T0, { payout_hash: PAYOUT, email_hash: 'aa01' });
  const termination = tl.sanctioned('old', T0 + 10 * D, 'termination');
  const newReg = tl.registered('new', T0 + 20 * D, {
    payout_hash: PAYOUT.toUpperCase(),
    device_hash: 'dd',
  });
  const bystander = tl.registered('other', T0 + 21 * D, { email_hash: 'ff02' });

  const orders: Record<string, AcceptedEvent[][]> = {
    'termination, then the new account': [[oldReg], [termination], [newReg, bystander]],
    'the new account, then the termination': [[oldReg], [newReg, bystander], [termination]],
    'the new account first of all': [[newReg, bystander], [oldReg], [termination]],
    'everything in one batch': [[termination, newReg, bystander, oldReg]],
  };
  for (const [name, batches] of Object.entries(orders)) {
    it(`links a new account to a terminated one sharing a payout hash: ${name}`, () => {
      const engine = standalone();
      const changed = new Set<string>();
      for (const batch of batches) for (const s of engine.apply(batch)) changed.add(s);
      expect(changed.has('new')).toBe(true);
      const f = engine.features('new');
      expect(f.values.linked_sanctioned_sellers).toBe(1);
      expect(f.values.linked_terminated_sellers).toBe(1);
      expect(f.evidence.linked_seller_ids).toEqual(['old']);
      expect(engine.features('other').values.linked_sanctioned_sellers).toBe(0);
      // The terminated account itself is linked to nobody sanctioned.
      expect(engine.features('old').values.linked_sanctioned_sellers).toBe(0);
    });
  }

  it('reports the already-registered seller as changed when its link is sanctioned later', () => {
    const engine = standalone();
    engine.apply([oldReg, newReg]);
    expect(engine.features('new').values.linked_sanctioned_sellers).toBe(0);
    expect([...engine.apply([termination])].sort()).toEqual(['new', 'old']);
  });

  it('counts suspensions as sanctioned but not terminated, and ignores warnings', () => {
    const engine = standalone();
    engine.apply([
      tl.registered('a', T0, { device_hash: 'de01' }),
      tl.registered('b', T0, { device_hash: 'de01' }),
      tl.registered('c', T0, { device_hash: 'de01' }),
      tl.sanctioned('a', T0 + D, 'suspension'),
      tl.sanctioned('b', T0 + D, 'warning'),
    ]);
    const c = engine.features('c').values;
    expect(c.linked_sanctioned_sellers).toBe(1);
    expect(c.linked_terminated_sellers).toBe(0);
    expect(engine.features('b').values.linked_sanctioned_sellers).toBe(1);
    // As of before the suspension, there was nothing to link to.
    expect(engine.features('c', T0).values.linked_sanctioned_sellers).toBe(0);
  });

  it('answers from store lookups the same way (no in-memory index)', () => {
    const engine = createFeatureEngine();
    const request = engine.lookupsFor([newReg]);
    expect(request.identifierHashes).toEqual(['beefcafe01', 'dd']);
    engine.apply([newReg], {
      identifiers: [{ hash: 'beefcafe01', sellerId: 'old', kind: 'payout_hash' }],
      sanctions: [{ sellerId: 'old', action: 'termination', at: T0 + 10 * D }],
      takenDown: [],
      published: [],
      fingerprints: [],
    });
    expect(engine.features('new').values.linked_terminated_sellers).toBe(1);
  });
});
