import { describe, expect, it } from 'vitest';
import { VigieError } from '../../streams/errors.ts';
import { DEFAULT_POLICY_DOCUMENT } from './default-policy.ts';
import { parsePolicy, parsePolicyText, type PolicyProblem } from './parse-policy.ts';

type Doc = { rules: Array<Record<string, unknown>> } & Record<string, unknown>;
const fresh = (): Doc => structuredClone(DEFAULT_POLICY_DOCUMENT) as Doc;

function problems(input: unknown): { message: string; problems: PolicyProblem[] } {
  try {
    parsePolicy(input, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(VigieError);
    const e = err as VigieError;
    expect(e.code).toBe('POLICY_INVALID');
    return { message: e.message, problems: e.context.problems as PolicyProblem[] };
  }
  throw new Error('expected the policy to be refused');
}

describe('parsePolicy', () => {
  it('accepts the default policy and fills defaults', () => {
    const policy = parsePolicy(fresh());
    expect(policy.rules.length).toBeGreaterThanOrEqual(6);
    expect(policy.rules.every((r) => r.enabled)).toBe(true);
    const minimal = parsePolicy({ version: 1, rules: [] });
    expect(minimal.anomaly).toEqual({ flag_alone: true, severity: 'low' });
    expect(minimal.escalations).toEqual([]);
    expect(minimal.reasons.max_features).toBe(5);
  });

  it('names the rule and the field of an unknown feature', () => {
    const doc = fresh();
    doc.rules[1]!.when = {
      all: [
        { feature: 'relists_own_7d', op: '>=', value: 1 },
        { feature: 'relist_similarity', op: '>=', value: 0.8 },
      ],
    };
    const { message, problems: p } = problems(doc);
    expect(p).toEqual([
      {
        rule: 'relisted-taken-down-item',
        field: 'rules[1].when.all[1].feature',
        message: expect.stringContaining('unknown feature "relist_similarity"'),
      },
    ]);
    expect(message).toContain('test.json');
    expect(message).toContain('rule "relisted-taken-down-item" at rules[1].when.all[1].feature');
  });

  it('refuses an unknown operator, a missing value and a misspelt key', () => {
    const doc = fresh();
    doc.rules[0]!.when = { feature: 'takedowns_illegal_90d', op: '=>', value: 3 };
    doc.rules[4]!.when = { feature: 'linked_terminated_sellers', op: '>=' };
    doc.rules[5]!.when = { feature: 'takedowns_minors_total', op: '>=', vlaue: 2 };
    const fields = problems(doc).problems.map((x) => [x.rule, x.field]);
    expect(fields).toEqual(
      expect.arrayContaining([
        ['illegal-takedowns-90d', 'rules[0].when.op'],
        ['linked-to-terminated-seller', 'rules[4].when.value'],
        ['minors-takedowns', 'rules[5].when'],
      ]),
    );
  });

  it('refuses a condition that mixes shapes or has none', () => {
    const doc = fresh();
    doc.rules[0]!.when = { all: [], feature: 'takedowns_total', op: '>', value: 1 };
    doc.rules[1]!.when = {};
    const p = problems(doc).problems;
    expect(p.map((x) => x.field)).toEqual(
      expect.arrayContaining(['rules[0].when.all', 'rules[1].when']),
    );
  });

  it('refuses a wrong kind, severity, placeholder or id, and duplicate ids', () => {
    const doc = fresh();
    doc.rules[0]!.kind = 'anomalous';
    doc.rules[1]!.severity = 'urgent';
    doc.rules[2]!.detail = 'edited {edits_after_removal} listings';
    doc.rules[3]!.id = 'Obfuscated Wording';
    doc.rules[5]!.id = 'linked-to-terminated-seller';
    const p = problems(doc).problems;
    const by = (field: string): PolicyProblem | undefined => p.find((x) => x.field === field);
    expect(by('rules[0].kind')?.rule).toBe('illegal-takedowns-90d');
    expect(by('rules[1].severity')?.rule).toBe('relisted-taken-down-item');
    expect(by('rules[2].detail')?.message).toContain('{edits_after_removal}');
    expect(by('rules[3].id')?.message).toContain('lower-case');
  });

  it('refuses duplicate ids across rules and escalations', () => {
    const doc = fresh();
    doc.rules[5]!.id = 'linked-to-terminated-seller';
    const p = problems(doc).problems;
    expect(p).toEqual([
      {
        rule: 'linked-to-terminated-seller',
        field: 'rules[5].id',
        message: 'duplicate id (already used at rules[4])',
      },
    ]);
  });

  it('refuses a wrong version and unknown top-level keys', () => {
    const fields = problems({ version: 2, rules: [], rulez: [] }).problems.map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['version', '(top level)']));
  });

  it('refuses text that is not JSON', () => {
    expect(() => parsePolicyText('{"version": 1,', 'p.json')).toThrow(/p\.json: not valid JSON/);
  });
});
