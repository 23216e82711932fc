import { VigieError } from '../../streams/errors.ts';
import type { FeatureName } from './feature-names.ts';
import type { Comparison, Condition } from './policy-schema.ts';

function valueOf(values: Readonly<Record<string, number>>, feature: FeatureName): number {
  const value = values[feature];
  if (typeof value !== 'number') {
    throw new VigieError('BAD_REQUEST', `seller features lack ${feature}`, {
      context: { feature },
    });
  }
  return value;
}

function compare(c: Comparison, value: number): boolean {
  switch (c.op) {
    case '>=':
      return value >= c.value;
    case '>':
      return value > c.value;
    case '<=':
      return value <= c.value;
    case '<':
      return value < c.value;
    case '==':
      return value === c.value;
  }
}

/**
 * The features that make `condition` hold for these values, or null when it does not hold: every
 * child of an `all`, the children of an `any` that hold. NaN compares false, as in IEEE 754.
 */
export function matchCondition(
  condition: Condition,
  values: Readonly<Record<string, number>>,
): FeatureName[] | null {
  if ('all' in condition) {
    const out = new Set<FeatureName>();
    for (const child of condition.all) {
      const matched = matchCondition(child, values);
      if (matched === null) return null;
      for (const f of matched) out.add(f);
    }
    return [...out];
  }
  if ('any' in condition) {
    const out = new Set<FeatureName>();
    let holds = false;
    for (const child of condition.any) {
      const matched = matchCondition(child, values);
      if (matched === null) continue;
      holds = true;
      for (const f of matched) out.add(f);
    }
    return holds ? [...out] : null;
  }
  return compare(condition, valueOf(values, condition.feature)) ? [condition.feature] : null;
}

export function evaluateCondition(
  condition: Condition,
  values: Readonly<Record<string, number>>,
): boolean {
  return matchCondition(condition, values) !== null;
}

/** Every feature a condition reads, in order of appearance. */
export function conditionFeatures(condition: Condition): FeatureName[] {
  if ('all' in condition || 'any' in condition) {
    const children = 'all' in condition ? condition.all : condition.any;
    return [...new Set(children.flatMap(conditionFeatures))];
  }
  return [condition.feature];
}
