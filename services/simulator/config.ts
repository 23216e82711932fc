import type { z } from 'zod';
import { BaseEnvSchema, loadConfig } from '../shared/config.ts';

/** Environment of `vigie simulate --kafka`: where to produce (see services/shared/config.ts). */
export const SimulatorEnvSchema = BaseEnvSchema.pick({
  KAFKA_BROKERS: true,
  KAFKA_CLIENT_ID: true,
  VIGIE_INPUT_TOPIC: true,
  VIGIE_PRIORITY_TOPIC: true,
  LOG_LEVEL: true,
});
export type SimulatorEnv = z.infer<typeof SimulatorEnvSchema>;

export function loadSimulatorConfig(
  env: Record<string, string | undefined> = process.env,
): SimulatorEnv {
  return loadConfig(SimulatorEnvSchema, env);
}
