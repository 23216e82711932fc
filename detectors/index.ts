/**
 * Detectors (pure): the isolation forest, rules from a policy, scoring and flag decisions, and
 * the ranking metrics used to evaluate them. The only door of detectors/.
 */
export * from './forest/index.ts';
export * from './rules/index.ts';
export * from './scoring/index.ts';
export * from './metrics/index.ts';
