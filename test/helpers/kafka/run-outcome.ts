import type { TestProject } from 'vitest/node';

/**
 * Whether any test file of `project` failed in this run, or `undefined` when vitest does not say.
 * Reads vitest's state manager (marked experimental in vitest 4), hence the fallback.
 */
export function projectHadFailures(project: TestProject): boolean | undefined {
  try {
    const state = project.vitest.state;
    const files = state.getFiles().filter((file) => file.projectName === project.name);
    return files.some((file) => file.result?.state === 'fail') || state.errorsSet.size > 0;
  } catch {
    return undefined;
  }
}
