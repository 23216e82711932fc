import type { z } from 'zod';
import { VigieError } from '../../streams/errors.ts';
import { PolicySchema, type Policy } from './policy-schema.ts';

/** One problem in a policy file, named so a trust-and-safety editor can find it. */
export interface PolicyProblem {
  /** The rule or escalation id, when the problem is inside one. */
  rule?: string;
  /** Where, e.g. `rules[2].when.all[0].feature`. */
  field: string;
  message: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

function ruleIdAt(input: unknown, path: readonly PropertyKey[]): string | undefined {
  const [list, index] = path;
  if ((list !== 'rules' && list !== 'escalations') || typeof index !== 'number') return undefined;
  if (typeof input !== 'object' || input === null) return undefined;
  const items = (input as Record<string, unknown>)[list];
  if (!Array.isArray(items)) return undefined;
  const item: unknown = items[index];
  if (typeof item !== 'object' || item === null) return undefined;
  const id = (item as Record<string, unknown>).id;
  return typeof id === 'string' ? id : undefined;
}

function problemsOf(error: z.ZodError, input: unknown): PolicyProblem[] {
  return error.issues.map((issue) => {
    const rule = ruleIdAt(input, issue.path);
    const field = formatPath(issue.path);
    return rule === undefined
      ? { field, message: issue.message }
      : { rule, field, message: issue.message };
  });
}

function describe(problem: PolicyProblem): string {
  const where =
    problem.rule === undefined ? problem.field : `rule "${problem.rule}" at ${problem.field}`;
  return `${where}: ${problem.message}`;
}

/**
 * Validates a parsed policy document. A bad document throws `POLICY_INVALID` naming each rule and
 * field at fault (also in `context.problems`).
 */
export function parsePolicy(input: unknown, source = 'policy'): Policy {
  const parsed = PolicySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error, input);
  throw new VigieError(
    'POLICY_INVALID',
    `invalid policy ${source}:\n  ${problems.map(describe).join('\n  ')}`,
    { context: { source, problems } },
  );
}

/** Parses the text of a policy file (JSON), then validates it. */
export function parsePolicyText(text: string, source = 'policy'): Policy {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new VigieError('POLICY_INVALID', `invalid policy ${source}: not valid JSON (${reason})`, {
      context: { source, problems: [{ field: '(file)', message: reason }] },
      cause: err,
    });
  }
  return parsePolicy(input, source);
}
