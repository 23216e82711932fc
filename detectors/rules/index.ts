/** Rules: a policy a trust-and-safety team edits without code, evaluated purely. */
export { FEATURE_NAMES, isFeatureName, type FeatureName } from './feature-names.ts';
export type { FeatureEvidence, SellerFeatureSet } from './seller-features.ts';
export {
  COMPARISON_OPS,
  ConditionSchema,
  EscalationSchema,
  PolicySchema,
  RULE_KINDS,
  RuleSchema,
  type Comparison,
  type ComparisonOp,
  type Condition,
  type Escalation,
  type Policy,
  type Rule,
  type RuleKind,
} from './policy-schema.ts';
export { parsePolicy, parsePolicyText, type PolicyProblem } from './parse-policy.ts';
export { conditionFeatures, evaluateCondition, matchCondition } from './condition.ts';
export {
  evaluateEscalations,
  evaluateRules,
  evidenceOf,
  type EscalationHit,
  type FlagEvidence,
  type RuleHit,
} from './evaluate.ts';
export { formatValue, renderDetail, templatePlaceholders } from './template.ts';
export { DEFAULT_POLICY_DOCUMENT, defaultPolicy } from './default-policy.ts';
