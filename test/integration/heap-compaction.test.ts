import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMPACTION_MODULE = resolve('services/cli/heap-compaction.cjs');
const BIN = resolve('services/cli/bin.cjs');

const { heapCompactionEnabled } = createRequire(import.meta.url)(COMPACTION_MODULE) as {
  heapCompactionEnabled: (env: Record<string, string | undefined>) => boolean;
};

interface OldSpace {
  size: number;
  used: number;
  /** Share of the committed old generation that holds no live object after a full GC. */
  waste: number;
}

/**
 * In a fresh Node process (the compaction module required first, as bin.cjs does, or not): the
 * feature engine's allocation pattern in small, per-seller windows of recent items, each living
 * through a few scavenges (so promoted to the old generation) and dying when newer items push it
 * out. Then two full GCs, and the old generation's committed and live bytes.
 */
function oldSpaceAfter(required: boolean, env: Record<string, string> = {}): OldSpace {
  const code = `
    ${required ? `require(${JSON.stringify(COMPACTION_MODULE)});` : ''}
    const v8 = require('node:v8');
    v8.setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    const sellers = Array.from({ length: 30000 }, () => []);
    let seed = 1;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let e = 0; e < 2500000; e += 1) {
      const list = sellers[Math.floor(rand() * sellers.length)];
      list.push({ at: e, text: 'item ' + e, tokens: [e, e + 1, e + 2] });
      if (list.length > 40) list.shift();
    }
    gc();
    gc();
    const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
    let held = 0;
    for (const list of sellers) held += list.length;
    process.stdout.write(JSON.stringify({ size: old.space_size, used: old.space_used_size, held }));`;
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  if (!('VIGIE_HEAP_COMPACTION' in env)) delete childEnv.VIGIE_HEAP_COMPACTION;
  const child = spawnSync(process.execPath, ['-e', code], {
    env: childEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`child failed (${child.status}): ${child.stderr}`);
  const { size, used, held } = JSON.parse(child.stdout) as {
    size: number;
    used: number;
    held: number;
  };
  expect(held).toBe(30000 * 40);
  return { size, used, waste: 1 - used / size };
}

describe('V8 heap compaction of the vigie command', () => {
  it('is on unless VIGIE_HEAP_COMPACTION turns it off', () => {
    expect(heapCompactionEnabled({})).toBe(true);
    expect(heapCompactionEnabled({ VIGIE_HEAP_COMPACTION: '1' })).toBe(true);
    for (const off of ['0', 'false', 'OFF', ' no ']) {
      expect(heapCompactionEnabled({ VIGIE_HEAP_COMPACTION: off })).toBe(false);
    }
  });

  it("without it, V8's heuristics leave the old generation's partly used pages committed", () => {
    // The failure the module prevents (in these runs, 24-26 % of the old generation held
    // nothing live after two full GCs).
    const { waste } = oldSpaceAfter(false);
    expect(waste).toBeGreaterThan(0.1);
  });

  it('with it, a full GC leaves the old generation about as large as its live objects', () => {
    // 1.7 % in these runs: the pages' unusable tails.
    const { waste } = oldSpaceAfter(true);
    expect(waste).toBeLessThan(0.05);
  });

  it('VIGIE_HEAP_COMPACTION=0 leaves V8 to its own heuristics', () => {
    const { waste } = oldSpaceAfter(true, { VIGIE_HEAP_COMPACTION: '0' });
    expect(waste).toBeGreaterThan(0.1);
  });

  it('bin.cjs requires the module before anything else runs', () => {
    // The command's entry sets the flag before tsx loads the sources (what bin.cjs runs first).
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const Module = require('node:module');
         const load = Module._load;
         const seen = [];
         Module._load = function (request, ...rest) {
           seen.push(request);
           if (request === './heap-compaction.cjs') {
             process.stdout.write(JSON.stringify(seen));
             process.exit(0);
           }
           return load.call(this, request, ...rest);
         };
         require(${JSON.stringify(BIN)});`,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual([BIN, './thread-pool.cjs', './heap-compaction.cjs']);
  });
});
