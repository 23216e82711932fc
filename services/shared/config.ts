import { z } from 'zod';
import { DEFAULT_CHDB_MERGE_NICE } from '../../features/store/index.ts';
import { VigieError } from '../../streams/errors.ts';

/**
 * Environment variables shared by every Vigie process. Each service extends this schema with its
 * own options and parses it once, in its main, with `loadConfig`.
 */
export const BaseEnvSchema = z.object({
  /** Directory of the embedded chDB store. Default `.vigie/data` under the working directory. */
  VIGIE_DATA_DIR: z.string().min(1).default('.vigie/data'),
  /** ClickHouse server URL (`http://user:pass@host:8123/db`); unset = embedded chDB. */
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** ClickHouse database Vigie's tables live in. Default `vigie`. */
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a ClickHouse identifier')
    .default('vigie'),
  /** Comma-separated Kafka bootstrap brokers (`host:port,…`); unset = no Kafka consumers. */
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'expected host:port[,host:port…]')
    .optional(),
  /** Kafka client id. Default `vigie`. */
  KAFKA_CLIENT_ID: z.string().min(1).default('vigie'),
  /** Input topic. Default `marketplace.events`. */
  VIGIE_INPUT_TOPIC: z.string().min(1).default('marketplace.events'),
  /** Priority topic for trusted-flagger and authority notices. Default `marketplace.priority`. */
  VIGIE_PRIORITY_TOPIC: z.string().min(1).default('marketplace.priority'),
  /** Output topic for `seller.flagged`. Default `vigie.seller-flags`. */
  VIGIE_FLAGS_TOPIC: z.string().min(1).default('vigie.seller-flags'),
  /** Dead-letter topic. Default `vigie.dead-letter`. */
  VIGIE_DEAD_LETTER_TOPIC: z.string().min(1).default('vigie.dead-letter'),
  /** Consumer group id. Default `vigie`. */
  VIGIE_GROUP_ID: z.string().min(1).default('vigie'),
  /** pino level. Default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Linux nice value (−20…19) of the embedded engine's merge threads, which then yield the CPU
   * to the service's (needs CAP_SYS_NICE; otherwise merges run at the process's priority). Default
   * 10; 0 runs them at the process's priority. Ignored with CLICKHOUSE_URL.
   */
  VIGIE_CHDB_MERGE_NICE: z.coerce.number().int().min(-20).max(19).default(DEFAULT_CHDB_MERGE_NICE),
  /** Days raw listing text is kept (ClickHouse TTL). Default 180. */
  VIGIE_TEXT_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
});

export type BaseEnv = z.infer<typeof BaseEnvSchema>;

/**
 * Parses `env` with `schema`; a wrong value fails at once with the variable's name, the value
 * given and what was expected.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // Empty variables count as unset, as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const given = name in cleaned ? JSON.stringify(cleaned[name]) : 'unset';
    return `${name}=${given}: ${issue.message}`;
  });
  throw new VigieError('INVALID_CONFIG', `invalid configuration:\n  ${lines.join('\n  ')}`, {
    context: { variables: parsed.error.issues.map((i) => i.path.join('.')) },
  });
}
