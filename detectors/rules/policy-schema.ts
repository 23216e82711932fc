import { z } from 'zod';
import { SEVERITIES } from '../../streams/contract/vocabularies.ts';
import { isFeatureName, type FeatureName } from './feature-names.ts';
import { templatePlaceholders } from './template.ts';

/** The kinds a rule can give; `anomalous` comes from the forest only. */
export const RULE_KINDS = ['recidivist', 'evasive', 'ban_evasion'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const COMPARISON_OPS = ['>=', '>', '<=', '<', '=='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export interface Comparison {
  feature: FeatureName;
  op: ComparisonOp;
  value: number;
}

/** A comparison, or all / any of nested conditions. No expressions, no eval. */
export type Condition = Comparison | { all: Condition[] } | { any: Condition[] };

export const FeatureNameSchema = z
  .string()
  .refine(isFeatureName, {
    error: (issue) =>
      `unknown feature ${JSON.stringify(issue.input)} (the names are in docs/architecture.md)`,
  })
  .transform((name) => name as FeatureName);

const COMPARISON_KEYS = ['feature', 'op', 'value'] as const;

export const ConditionSchema: z.ZodType<Condition, unknown> = z.lazy(() =>
  z
    .object({
      all: z.array(ConditionSchema).min(1).optional(),
      any: z.array(ConditionSchema).min(1).optional(),
      feature: FeatureNameSchema.optional(),
      op: z.enum(COMPARISON_OPS).optional(),
      value: z.number().finite().optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
      const isComparison = COMPARISON_KEYS.some((k) => c[k] !== undefined);
      const shapes = [c.all !== undefined, c.any !== undefined, isComparison].filter(Boolean);
      if (shapes.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected a comparison {feature, op, value}, or {all: [...]}, or {any: [...]}',
        });
      } else if (shapes.length > 1) {
        ctx.addIssue({
          code: 'custom',
          message: 'a condition is one of: a comparison, {all: [...]}, {any: [...]}; not several',
        });
      } else if (isComparison) {
        for (const key of COMPARISON_KEYS) {
          if (c[key] === undefined) {
            ctx.addIssue({ code: 'custom', path: [key], message: 'missing in a comparison' });
          }
        }
      }
    })
    .transform((c): Condition => {
      if (c.all !== undefined) return { all: c.all };
      if (c.any !== undefined) return { any: c.any };
      return { feature: c.feature!, op: c.op!, value: c.value! };
    }),
);

const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected 1–64 lower-case letters, digits and dashes');

/** `{feature}` placeholders of a detail template must name features. */
const DetailSchema = z
  .string()
  .min(1)
  .superRefine((detail, ctx) => {
    for (const name of templatePlaceholders(detail)) {
      if (!isFeatureName(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `placeholder {${name}} is not a feature name`,
        });
      }
    }
  });

/** A rule: when its condition holds, the seller gets its `kind`, at least its `severity`. */
export const RuleSchema = z
  .object({
    id: IdSchema,
    description: z.string().min(1),
    kind: z.enum(RULE_KINDS),
    when: ConditionSchema,
    /** The reviewer's sentence; `{feature}` is replaced by the seller's value. */
    detail: DetailSchema,
    /** The least severity of a flag this rule fires in. */
    severity: z.enum(SEVERITIES),
    /** Features whose evidence (listing and seller ids) backs a hit; default: those in `when`. */
    evidence_from: z.array(FeatureNameSchema).min(1).optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

/**
 * An escalation raises the severity of a flag that rules or the forest raised; it never flags on
 * its own (e.g. protection of minors: one takedown alone is not a flag, but it makes any flag
 * critical).
 */
export const EscalationSchema = z
  .object({
    id: IdSchema,
    description: z.string().min(1),
    when: ConditionSchema,
    detail: DetailSchema,
    severity: z.enum(SEVERITIES),
    enabled: z.boolean().default(true),
  })
  .strict();

export const PolicySchema = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    rules: z.array(RuleSchema),
    escalations: z.array(EscalationSchema).default([]),
    /** What the forest alone does: `anomalous` when score ≥ the model's threshold. */
    anomaly: z
      .object({
        /** Flag a seller whom only the forest finds anomalous. */
        flag_alone: z.boolean().default(true),
        /** Severity of a flag raised by the forest alone. */
        severity: z.enum(SEVERITIES).default('low'),
      })
      .strict()
      .prefault({}),
    combine: z
      .object({
        /** Raise a rule-backed severity one level when the forest agrees (anomalous). */
        raise_when_anomalous: z.boolean().default(true),
        /** The highest severity that raise reaches (escalations go beyond). */
        raise_cap: z.enum(SEVERITIES).default('high'),
        /** Least severity when rules of two or more kinds fire. */
        several_kinds_at_least: z.enum(SEVERITIES).default('high'),
      })
      .strict()
      .prefault({}),
    reasons: z
      .object({
        /** Feature reasons (from the forest's explanation) kept per flag. */
        max_features: z.number().int().min(0).max(50).default(5),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const seen = new Map<string, string>();
    const check = (list: 'rules' | 'escalations', index: number, id: string): void => {
      const first = seen.get(id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [list, index, 'id'],
          message: `duplicate id (already used at ${first})`,
        });
      } else {
        seen.set(id, `${list}[${index}]`);
      }
    };
    policy.rules.forEach((r, i) => check('rules', i, r.id));
    policy.escalations.forEach((e, i) => check('escalations', i, e.id));
  });

export type Rule = z.infer<typeof RuleSchema>;
export type Escalation = z.infer<typeof EscalationSchema>;
export type Policy = z.infer<typeof PolicySchema>;
