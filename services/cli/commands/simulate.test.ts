import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulationTruthSchema } from '../../simulator/index.ts';
import { main } from '../main.ts';
import { defaultTruthPath, runSimulate } from './simulate.ts';

describe('vigie simulate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-simulate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const options = (out: string) => ({
    sellers: 80,
    days: 10,
    seed: '5',
    start: '2026-03-01T00:00:00Z',
    out,
    partitions: 6,
    mess: true,
    oversize: true,
  });

  it('writes the same bytes for the same arguments, with the truth next to the stream', async () => {
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    const summary = await runSimulate(options(a));
    await runSimulate(options(b));
    const [bytesA, bytesB] = await Promise.all([readFile(a), readFile(b)]);
    const hash = (x: Buffer) => createHash('sha256').update(x).digest('hex');
    expect(hash(bytesA)).toBe(hash(bytesB));
    expect(bytesA.length).toBe(summary.bytes);
    expect(bytesA.toString('utf8').split('\n').length - 1).toBe(summary.lines);
    expect(bytesA.length).toBeGreaterThan(1024 * 1024); // the oversize record is in
    expect(summary.truth).toBe(join(dir, 'a.truth.json'));
    const truth = SimulationTruthSchema.parse(
      JSON.parse(await readFile(defaultTruthPath(a), 'utf8')),
    );
    expect(truth.start).toBe('2026-03-01T00:00:00.000Z');
    expect(await readFile(defaultTruthPath(b), 'utf8')).toBe(
      await readFile(defaultTruthPath(a), 'utf8'),
    );
  });

  it('refuses an oversize record on Kafka, and --out with --kafka, as usage errors', async () => {
    const err = process.stderr.write;
    process.stderr.write = () => true;
    try {
      const base = ['node', 'vigie', 'simulate', '--sellers', '5', '--days', '1', '--seed', '1'];
      expect(await main([...base, '--kafka', '--oversize'])).toBe(2);
      expect(await main([...base, '--kafka', '--out', join(dir, 'x.ndjson')])).toBe(2);
      expect(await main([...base, '--shares', 'evader=2'])).toBe(2);
    } finally {
      process.stderr.write = err;
    }
  });
});
