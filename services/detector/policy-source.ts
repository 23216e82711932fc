import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { defaultPolicy, parsePolicyText, type Policy } from '../../detectors/index.ts';
import { VigieError } from '../../streams/errors.ts';
import type { Logger } from '../shared/logger.ts';

export interface PolicySourceOptions {
  /** A policy file (JSON); unset = the default policy (detectors/rules/default-policy.json). */
  file?: string;
  logger: Logger;
  /** Quiet time after the last change before reloading, ms. @default 250 */
  debounceMs?: number;
}

export interface PolicySource {
  /** The policy in force; swapped atomically by a successful reload. */
  current(): Policy;
  /** Loads the file (a bad file here is fatal: POLICY_INVALID) and starts watching it. */
  start(): Promise<void>;
  /** Reads and validates the file again; a bad file is refused and the policy in force stays. */
  reload(): Promise<boolean>;
  stop(): void;
  stats(): { reloads: number; refused: number };
}

async function readPolicy(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new VigieError('POLICY_INVALID', `cannot read policy file ${file}`, {
      context: { source: file },
      cause: err,
    });
  }
  return parsePolicyText(text, file);
}

/**
 * The detection policy, hot-reloaded: the directory of the file is watched (editors and config
 * management replace files by rename, which a watch on the file itself would miss), changes are
 * debounced, and a new file replaces the policy only once it validates.
 */
export function createPolicySource(options: PolicySourceOptions): PolicySource {
  const log = options.logger.child({ component: 'detector.policy' });
  const file = options.file === undefined ? undefined : resolve(options.file);
  const debounceMs = options.debounceMs ?? 250;
  let policy = defaultPolicy();
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reloads = 0;
  let refused = 0;
  let chain: Promise<unknown> = Promise.resolve();

  async function reloadNow(): Promise<boolean> {
    if (file === undefined) return false;
    try {
      const next = await readPolicy(file);
      policy = next;
      reloads++;
      log.info({ file, rules: next.rules.length }, 'policy reloaded');
      return true;
    } catch (err) {
      refused++;
      const problems = err instanceof VigieError ? err.context.problems : undefined;
      log.error(
        { file, problems, err: err instanceof Error ? err.message : String(err) },
        'policy file refused; the policy in force stays',
      );
      return false;
    }
  }

  // Reloads run one after another, so an older read can never overwrite a newer one.
  const reload = (): Promise<boolean> => {
    const next = chain.then(reloadNow);
    chain = next.catch(() => undefined);
    return next;
  };

  return {
    current: () => policy,
    async start() {
      if (file === undefined) {
        log.info({ rules: policy.rules.length }, 'default policy in force');
        return;
      }
      policy = await readPolicy(file);
      log.info({ file, rules: policy.rules.length }, 'policy loaded');
      const name = basename(file);
      watcher = watch(dirname(file), (_event, changed) => {
        if (changed !== null && changed !== name) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), debounceMs);
      });
      watcher.on('error', (err) => log.error({ err: err.message, file }, 'policy watch failed'));
    },
    reload,
    stop() {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
    stats: () => ({ reloads, refused }),
  };
}
