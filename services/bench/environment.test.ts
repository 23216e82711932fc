import { describe, expect, it } from 'vitest';
import { allocatorSettings, hasCapSysNice, nodeOptions } from './environment.ts';

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

describe('allocatorSettings', () => {
  it('records the allocator variables that are set, and only those', () => {
    expect(
      allocatorSettings({
        LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
        GLIBC_TUNABLES: 'glibc.malloc.arena_max=2',
        MALLOC_ARENA_MAX: '',
      }),
    ).toEqual({
      allocator: {
        LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
        GLIBC_TUNABLES: 'glibc.malloc.arena_max=2',
      },
    });
  });

  it('adds nothing when none is set', () => {
    expect(allocatorSettings({})).toEqual({});
  });
});

describe('hasCapSysNice', () => {
  const status = (capEff: string) => `Name:\tnode\nCapPrm:\t${capEff}\nCapEff:\t${capEff}\n`;

  it('reads bit 23 of the effective set', () => {
    expect(hasCapSysNice(status('000001fffeffffff'))).toBe(true);
    expect(hasCapSysNice(status('0000000000800000'))).toBe(true);
    // Docker's default set: no CAP_SYS_NICE.
    expect(hasCapSysNice(status('00000000a80425fb'))).toBe(false);
    expect(hasCapSysNice(status('0000000000000000'))).toBe(false);
  });

  it('says it does not know when the status has no effective set', () => {
    expect(hasCapSysNice('Name:\tnode\n')).toBeNull();
  });
});
