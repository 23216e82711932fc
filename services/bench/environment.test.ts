import { describe, expect, it } from 'vitest';
import { nodeOptions } from './environment.ts';

describe('nodeOptions', () => {
  it('records NODE_OPTIONS, then the command line flags, so a report shows what ran', () => {
    expect(nodeOptions(' --max-semi-space-size=64  --trace-gc ', ['--import', 'tsx'])).toEqual({
      node_options: ['--max-semi-space-size=64', '--trace-gc', '--import', 'tsx'],
    });
  });

  it('adds nothing when neither is set', () => {
    expect(nodeOptions(undefined, [])).toEqual({});
    expect(nodeOptions('', [])).toEqual({});
  });
});
