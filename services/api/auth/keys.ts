import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { VigieError } from '../../../streams/errors.ts';

export const ROLES = ['platform', 'analyst', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do. `admin` may do everything. Kept as data so the OpenAPI document and
 * the README can list it.
 */
export const PERMISSIONS = {
  ingest: ['platform', 'admin'],
  check: ['platform', 'admin'],
  read: ['analyst', 'reviewer', 'admin'],
  query: ['analyst', 'admin'],
  review: ['reviewer', 'admin'],
  erase: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** A stored key: its id, role and the SHA-256 of the secret (the secret itself is never kept). */
export const ApiKeyRecordSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  role: z.enum(ROLES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  created_at: z.string(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;
export const ApiKeyFileSchema = z.object({ keys: z.array(ApiKeyRecordSchema) });

export interface Principal {
  keyId: string;
  role: Role;
}

function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Keys are 256-bit random secrets, so an unsalted SHA-256 is a sound verifier (no dictionary to
 * attack); comparison is constant-time over every stored key so timing reveals nothing either.
 */
export function createKeyVerifier(records: readonly ApiKeyRecord[]) {
  const stored = records.map((r) => ({ ...r, digest: Buffer.from(r.sha256, 'hex') }));
  return (secret: string): Principal | undefined => {
    const digest = sha256(secret);
    let found: Principal | undefined;
    for (const r of stored) {
      // Compare against every key, whatever matched, so timing does not depend on the match.
      if (timingSafeEqual(digest, r.digest) && found === undefined) {
        found = { keyId: r.id, role: r.role };
      }
    }
    return found;
  };
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(principal.role);
}

export async function loadKeyFile(path: string): Promise<ApiKeyRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new VigieError('INVALID_CONFIG', `API key file ${path} is not JSON`);
  }
  const parsed = ApiKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new VigieError(
      'INVALID_CONFIG',
      `API key file ${path} is invalid: ${parsed.error.message}`,
    );
  }
  return parsed.data.keys;
}

async function writeKeyFile(path: string, keys: readonly ApiKeyRecord[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Creates a key, appends its hash to the key file, and returns the secret (shown once). */
export async function createKey(
  path: string,
  id: string,
  role: Role,
  now: Date = new Date(),
): Promise<{ secret: string; record: ApiKeyRecord }> {
  const keys = await loadKeyFile(path);
  if (keys.some((k) => k.id === id)) {
    throw new VigieError('BAD_REQUEST', `an API key with id ${id} exists already`);
  }
  const secret = `vk_${randomBytes(32).toString('base64url')}`;
  const parsed = ApiKeyRecordSchema.safeParse({
    id,
    role,
    sha256: sha256(secret).toString('hex'),
    created_at: now.toISOString(),
  });
  if (!parsed.success) {
    throw new VigieError(
      'BAD_REQUEST',
      `invalid key: id must be 1-64 of A-Z a-z 0-9 _ . - and role one of ${ROLES.join(', ')}`,
    );
  }
  await writeKeyFile(path, [...keys, parsed.data]);
  return { secret, record: parsed.data };
}

/** Removes a key from the file; a running API stops accepting it at its next reload. */
export async function revokeKey(path: string, id: string): Promise<boolean> {
  const keys = await loadKeyFile(path);
  const kept = keys.filter((k) => k.id !== id);
  if (kept.length === keys.length) return false;
  await writeKeyFile(path, kept);
  return true;
}

export interface KeyFileVerifier {
  verify(secret: string): Principal | undefined;
  /** Re-reads the file if it changed; a broken file keeps the previous keys (and is logged). */
  reload(): Promise<void>;
  /** Number of keys in force. */
  size(): number;
  close(): void;
}

/**
 * The keys of a file, re-read when the file changes (checked every `pollMs`), so `vigie keys
 * create` / `revoke` take effect in a running API without a restart.
 */
export async function createKeyFileVerifier(
  path: string,
  options: { pollMs?: number; onError?: (err: unknown) => void } = {},
): Promise<KeyFileVerifier> {
  let records = await loadKeyFile(path);
  let verify = createKeyVerifier(records);
  const stamp = async (): Promise<string> => {
    try {
      const s = await stat(path);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return 'absent';
    }
  };
  let seen = await stamp();
  const reload = async (): Promise<void> => {
    const now = await stamp();
    if (now === seen) return;
    seen = now;
    try {
      records = await loadKeyFile(path);
      verify = createKeyVerifier(records);
    } catch (err) {
      options.onError?.(err);
    }
  };
  const timer = setInterval(() => {
    reload().catch((err: unknown) => options.onError?.(err));
  }, options.pollMs ?? 2_000);
  timer.unref();
  return {
    verify: (secret) => verify(secret),
    reload,
    size: () => records.length,
    close: () => clearInterval(timer),
  };
}
