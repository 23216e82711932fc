import { FEATURE_NAMES, type FeatureName } from '../../features/engine/index.ts';

/** The feature names of the engine (docs/architecture.md): what rules and the forest read. */
export { FEATURE_NAMES, type FeatureName };

const names: ReadonlySet<string> = new Set(FEATURE_NAMES);

export function isFeatureName(name: string): name is FeatureName {
  return names.has(name);
}
