import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_DOCUMENT } from '../../detectors/index.ts';
import { VigieError } from '../../streams/errors.ts';
import { createPolicySource, type PolicySource } from '../../services/detector/index.ts';

type Doc = { rules: Array<{ id: string; when: Record<string, unknown> }> };
const logger = pino({ level: 'silent' });

function withThreshold(value: number): string {
  const doc = structuredClone(DEFAULT_POLICY_DOCUMENT) as Doc;
  doc.rules[0]!.when = { feature: 'takedowns_illegal_90d', op: '>=', value };
  return JSON.stringify(doc, null, 2);
}

const threshold = (source: PolicySource): unknown =>
  (source.current().rules[0]!.when as { value: number }).value;

describe('policy file hot reload (real files, fs.watch)', () => {
  let dir: string;
  let file: string;
  let source: PolicySource;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-policy-'));
    file = join(dir, 'policy.json');
    await writeFile(file, withThreshold(3));
    source = createPolicySource({ file, logger, debounceMs: 20 });
    await source.start();
  });

  afterAll(async () => {
    source?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the file at start', () => {
    expect(threshold(source)).toBe(3);
  });

  it('swaps in an edited file once it validates', async () => {
    await writeFile(file, withThreshold(5));
    await expect.poll(() => threshold(source), { timeout: 10_000 }).toBe(5);
  });

  it('refuses a broken file and keeps the policy in force', async () => {
    const refused = source.stats().refused;
    await writeFile(file, '{"version": 1, "rules": [');
    await expect.poll(() => source.stats().refused, { timeout: 10_000 }).toBeGreaterThan(refused);
    expect(threshold(source)).toBe(5);

    const doc = JSON.parse(withThreshold(2)) as Doc;
    doc.rules[0]!.when = { feature: 'takedowns_illegal_99d', op: '>=', value: 2 };
    const before = source.stats().refused;
    await writeFile(file, JSON.stringify(doc));
    await expect.poll(() => source.stats().refused, { timeout: 10_000 }).toBeGreaterThan(before);
    expect(threshold(source)).toBe(5);
  });

  it('follows a file replaced by rename, as editors and config tools do', async () => {
    const tmp = join(dir, 'policy.json.tmp');
    await writeFile(tmp, withThreshold(4));
    await rename(tmp, file);
    await expect.poll(() => threshold(source), { timeout: 10_000 }).toBe(4);
    expect(JSON.parse(await readFile(file, 'utf8')).rules[0].when.value).toBe(4);
  });

  it('fails at start on a bad file, naming the rule and field', async () => {
    const bad = join(dir, 'bad.json');
    const doc = structuredClone(DEFAULT_POLICY_DOCUMENT) as Doc;
    doc.rules[2]!.when = { feature: 'edits_after_takedown', op: '~', value: 1 };
    await writeFile(bad, JSON.stringify(doc));
    const other = createPolicySource({ file: bad, logger });
    const err = await other.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigieError);
    expect((err as VigieError).code).toBe('POLICY_INVALID');
    expect((err as VigieError).message).toContain(
      'rule "edited-after-takedown" at rules[2].when.op',
    );
    other.stop();
  });
});
