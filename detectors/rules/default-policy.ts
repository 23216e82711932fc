import document from './default-policy.json' with { type: 'json' };
import { parsePolicy } from './parse-policy.ts';
import type { Policy } from './policy-schema.ts';

/** The raw default policy document, as shipped (detectors/rules/default-policy.json). */
export const DEFAULT_POLICY_DOCUMENT: unknown = document;

/** The default policy, validated. A fresh copy each call so callers may not share state. */
export function defaultPolicy(): Policy {
  return parsePolicy(structuredClone(document), 'detectors/rules/default-policy.json');
}
