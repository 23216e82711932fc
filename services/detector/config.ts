import { z } from 'zod';
import { BaseEnvSchema, loadConfig } from '../shared/config.ts';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);

/**
 * Options of the detector loop and alert delivery, from the environment (on top of the shared
 * ones: VIGIE_FLAGS_TOPIC, KAFKA_BROKERS, …). Every option has a default except the webhook
 * secret, required as soon as a webhook URL is set.
 */
export const DetectorEnvShape = {
  /** Policy file (JSON), watched and hot-reloaded; unset = detectors/rules/default-policy.json. */
  VIGIE_POLICY_FILE: z.string().min(1).optional(),
  /** Hours between scheduled trainings; 0 = only on demand (`vigie train`). Default 24. */
  VIGIE_TRAIN_INTERVAL_H: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .default(24),
  /** Seconds between checks for a model trained by another process. Default 60. */
  VIGIE_MODEL_POLL_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Seed of trainings (a model is reproducible from it). Default 1. */
  VIGIE_TRAIN_SEED: z.coerce.number().int().min(0).max(0xffffffff).default(1),
  /** Fewest sellers to train on. Default 100. */
  VIGIE_TRAIN_MIN_ROWS: z.coerce.number().int().min(2).default(100),
  /** Most sellers one training reads (a fixed hash sample beyond). Default 200,000. */
  VIGIE_TRAIN_MAX_ROWS: z.coerce.number().int().min(2).default(200_000),
  /** Isolation trees. Default 200. */
  VIGIE_FOREST_TREES: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Subsample size ψ per tree. Default 256. */
  VIGIE_FOREST_SAMPLE: z.coerce.number().int().min(2).max(1_000_000).default(256),
  /** Extended (hyperplane) splits over this many extra features; 0 = classic. Default 0. */
  VIGIE_FOREST_EXTENSION: z.coerce.number().int().min(0).max(34).default(0),
  /** Expected share of anomalous sellers; sets the anomaly threshold. Default 0.01. */
  VIGIE_CONTAMINATION: z.coerce.number().gt(0).lt(0.5).default(0.01),
  /** Event-time cool-down before an unchanged flag is sent again, hours. Default 168 (7 days). */
  VIGIE_FLAG_COOLDOWN_H: z.coerce
    .number()
    .min(0)
    .max(24 * 3650)
    .default(168),
  /** Webhook receivers, comma-separated URLs. Default none. */
  VIGIE_WEBHOOK_URLS: csv.pipe(z.array(z.url({ protocol: /^https?$/ }))).default([]),
  /** Signing secrets, comma-separated (several during a rotation; every one signs). */
  VIGIE_WEBHOOK_SECRETS: csv
    .pipe(z.array(z.string().min(16, 'expected at least 16 characters')))
    .default([]),
  /** Tries per delivery. Default 8. */
  VIGIE_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** First retry delay, ms (doubles, with jitter). Default 500. */
  VIGIE_WEBHOOK_BASE_DELAY_MS: z.coerce.number().int().min(1).default(500),
  /** Longest retry delay, ms. Default 60,000. */
  VIGIE_WEBHOOK_MAX_DELAY_MS: z.coerce.number().int().min(1).default(60_000),
  /** Timeout of one webhook request, ms. Default 10,000. */
  VIGIE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
};

export const DetectorEnvSchema = BaseEnvSchema.extend(DetectorEnvShape).refine(
  (env) => env.VIGIE_WEBHOOK_URLS.length === 0 || env.VIGIE_WEBHOOK_SECRETS.length > 0,
  { path: ['VIGIE_WEBHOOK_SECRETS'], message: 'required when VIGIE_WEBHOOK_URLS is set' },
);

export type DetectorEnv = z.infer<typeof DetectorEnvSchema>;

export function loadDetectorConfig(env?: Record<string, string | undefined>): DetectorEnv {
  return loadConfig(DetectorEnvSchema, env);
}
