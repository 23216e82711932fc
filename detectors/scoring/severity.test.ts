import { describe, expect, it } from 'vitest';
import type { Severity } from '../../streams/contract/vocabularies.ts';
import { defaultPolicy, parsePolicy, type EscalationHit, type RuleHit } from '../rules/index.ts';
import { combineSeverity, raiseSeverity } from './severity.ts';

const policy = defaultPolicy();
/** A policy that lets the forest flag alone (the default does not). */
const loud = parsePolicy({ version: 1, rules: [], anomaly: { flag_alone: true } });
const none = { listing_ids: [], linked_seller_ids: [] };
const hit = (kind: RuleHit['kind'], severity: Severity): RuleHit => ({
  rule: `${kind}-${severity}`,
  kind,
  severity,
  detail: '',
  features: [],
  evidence: none,
});
const minors: EscalationHit = {
  rule: 'minors-involvement',
  severity: 'critical',
  detail: '',
  features: [],
  evidence: none,
};

describe('combineSeverity', () => {
  it('is null when neither rules nor the forest flag', () => {
    expect(combineSeverity({ policy, ruleHits: [], escalations: [minors], anomalous: false })).toBe(
      null,
    );
  });

  it('gives the forest alone the policy anomaly severity, or nothing when it may not flag alone', () => {
    expect(combineSeverity({ policy: loud, ruleHits: [], escalations: [], anomalous: true })).toBe(
      'low',
    );
    const strict = parsePolicy({ version: 1, rules: [], anomaly: { flag_alone: false } });
    expect(
      combineSeverity({ policy: strict, ruleHits: [], escalations: [], anomalous: true }),
    ).toBe(null);
    // The default policy does not let the forest flag alone (tuned with `npm run eval`).
    expect(combineSeverity({ policy, ruleHits: [], escalations: [], anomalous: true })).toBe(null);
  });

  it('takes the highest rule floor', () => {
    const ruleHits = [hit('evasive', 'low'), hit('evasive', 'medium')];
    expect(combineSeverity({ policy, ruleHits, escalations: [], anomalous: false })).toBe('medium');
  });

  it('raises one level when the forest agrees, up to the cap only', () => {
    const one = (s: Severity): Severity | null =>
      combineSeverity({ policy, ruleHits: [hit('evasive', s)], escalations: [], anomalous: true });
    expect(one('low')).toBe('medium');
    expect(one('medium')).toBe('high');
    expect(one('high')).toBe('high');
    expect(one('critical')).toBe('critical');
  });

  it('gives rules of several kinds at least high', () => {
    const ruleHits = [hit('evasive', 'low'), hit('recidivist', 'low')];
    expect(combineSeverity({ policy, ruleHits, escalations: [], anomalous: false })).toBe('high');
  });

  it('makes any flag critical with protection-of-minors involvement', () => {
    expect(
      combineSeverity({ policy: loud, ruleHits: [], escalations: [minors], anomalous: true }),
    ).toBe('critical');
    expect(
      combineSeverity({
        policy,
        ruleHits: [hit('evasive', 'low')],
        escalations: [minors],
        anomalous: false,
      }),
    ).toBe('critical');
  });

  it('raiseSeverity never lowers', () => {
    expect(raiseSeverity('critical', 'medium')).toBe('critical');
    expect(raiseSeverity('low', 'low')).toBe('low');
  });
});
