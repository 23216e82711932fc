import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKey, createKeyFileVerifier, loadKeyFile, revokeKey } from './keys.ts';

describe('API key file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-keys-'));
    file = join(dir, 'nested', 'api-keys.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores only a hash, verifies the secret, refuses near misses', async () => {
    const { secret } = await createKey(file, 'ops', 'reviewer');
    const [record] = await loadKeyFile(file);
    expect(JSON.stringify(record)).not.toContain(secret);
    const keys = await createKeyFileVerifier(file, { pollMs: 60_000 });
    expect(keys.verify(secret)).toEqual({ keyId: 'ops', role: 'reviewer' });
    expect(keys.verify(`${secret}x`)).toBeUndefined();
    expect(keys.verify(secret.slice(0, -1))).toBeUndefined();
    expect(keys.verify('')).toBeUndefined();
    keys.close();
  });

  it('picks up created and revoked keys on reload; keeps the old keys if the file breaks', async () => {
    const keys = await createKeyFileVerifier(file, { pollMs: 60_000 });
    expect(keys.size()).toBe(0);
    const { secret } = await createKey(file, 'a', 'admin');
    await keys.reload();
    expect(keys.verify(secret)?.keyId).toBe('a');
    await writeFile(file, '{ not json');
    await keys.reload();
    expect(keys.verify(secret)?.keyId).toBe('a');
    await rm(file);
    await createKey(file, 'a', 'admin');
    expect(await revokeKey(file, 'a')).toBe(true);
    expect(await revokeKey(file, 'a')).toBe(false);
    await keys.reload();
    expect(keys.verify(secret)).toBeUndefined();
    keys.close();
  });

  it('refuses duplicate ids and ids outside the allowed characters', async () => {
    await createKey(file, 'a', 'admin');
    await expect(createKey(file, 'a', 'analyst')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(createKey(file, 'a b', 'analyst')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
