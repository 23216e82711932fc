import { z } from 'zod';
import { loadConfig } from '../shared/config.ts';
import { PipelineEnvSchema } from '../pipeline/index.ts';
import { DetectorEnvShape } from '../detector/index.ts';

/**
 * The environment of `vigie bench`: the pipeline's and the detector's own options (the bench
 * measures the service as configured), except that logs default to `error`: the bench's own
 * progress lines (stderr) stay readable, and expected warnings (the simulated malformed lines
 * going to the dead letters) are not news.
 */
export const BenchEnvSchema = PipelineEnvSchema.extend(DetectorEnvShape).extend({
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('error'),
  /** Node's own options, recorded in the report (`machine.node_options`): not a Vigie setting. */
  NODE_OPTIONS: z.string().optional(),
  /**
   * The C allocator's settings, recorded in the report (`machine.allocator`): chDB's native
   * memory goes through it, so a preloaded allocator or glibc tunables change the memory figure.
   */
  LD_PRELOAD: z.string().optional(),
  GLIBC_TUNABLES: z.string().optional(),
  MALLOC_ARENA_MAX: z.string().optional(),
  MALLOC_TRIM_THRESHOLD_: z.string().optional(),
  MALLOC_MMAP_THRESHOLD_: z.string().optional(),
  /**
   * libuv's pool size (Node's default 4; `vigie`, hence `npm run bench`, sets 16 unless given):
   * how many threads the CPU per thread calls `libuv`.
   */
  UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
});

export type BenchEnv = z.infer<typeof BenchEnvSchema>;

export function loadBenchConfig(env?: Record<string, string | undefined>): BenchEnv {
  return loadConfig(BenchEnvSchema, env);
}
