import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { BaseEnvSchema, loadConfig } from '../../../services/shared/config.ts';
import { DEFAULT_KAFKA_VERSION } from './versions.ts';

/** Environment variables read by the Kafka test harness (only here, so tests stay env-free). */
export const KafkaHarnessEnvSchema = z.object({
  /** Use this broker (`host:port[,host:port…]`) and start none. */
  KAFKA_BROKERS: BaseEnvSchema.shape.KAFKA_BROKERS,
  /** Kafka release started from local jars (and mapped to a Confluent image for Docker). */
  VIGIE_KAFKA_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'expected a Kafka release such as 3.9.2')
    .default(DEFAULT_KAFKA_VERSION),
  /** Docker image for the testcontainers path; default: the Confluent image of that Kafka line. */
  VIGIE_KAFKA_IMAGE: z.string().min(1).optional(),
  /** Set to `false` to skip the Docker probe and go straight to local jars. Default `true`. */
  VIGIE_KAFKA_DOCKER: z.stringbool().default(true),
  /** `true`: keep the local broker's log even when every test passed. Default `false`. */
  VIGIE_KAFKA_KEEP_LOG: z.stringbool().default(false),
  /** How long the broker may take to answer after start, in ms. Default 90 000. */
  VIGIE_KAFKA_START_TIMEOUT_MS: z.coerce.number().int().min(1000).default(90_000),
  /** Root of the jar cache and pid files. Default `$XDG_CACHE_HOME/vigie` or `~/.cache/vigie`. */
  VIGIE_CACHE_DIR: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  /** Docker endpoint, as the Docker CLI reads it. */
  DOCKER_HOST: z.string().min(1).optional(),
  XDG_RUNTIME_DIR: z.string().min(1).optional(),
  /** Java installation to run the broker with; default `java` on PATH. */
  JAVA_HOME: z.string().min(1).optional(),
});

export type KafkaHarnessEnv = z.infer<typeof KafkaHarnessEnvSchema>;

/** The harness settings, resolved from the environment once per run. */
export interface KafkaHarnessSettings {
  brokers: string | undefined;
  version: string;
  image: string | undefined;
  tryDocker: boolean;
  dockerHost: string | undefined;
  runtimeDir: string | undefined;
  keepLog: boolean;
  startTimeoutMs: number;
  cacheDir: string;
  javaCommand: string;
}

export function loadKafkaHarnessSettings(
  env: Record<string, string | undefined> = process.env,
): KafkaHarnessSettings {
  const parsed = loadConfig(KafkaHarnessEnvSchema, env);
  const cacheDir =
    parsed.VIGIE_CACHE_DIR ?? join(parsed.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vigie');
  return {
    brokers: parsed.KAFKA_BROKERS,
    version: parsed.VIGIE_KAFKA_VERSION,
    image: parsed.VIGIE_KAFKA_IMAGE,
    tryDocker: parsed.VIGIE_KAFKA_DOCKER,
    dockerHost: parsed.DOCKER_HOST,
    runtimeDir: parsed.XDG_RUNTIME_DIR,
    keepLog: parsed.VIGIE_KAFKA_KEEP_LOG,
    startTimeoutMs: parsed.VIGIE_KAFKA_START_TIMEOUT_MS,
    cacheDir,
    javaCommand: parsed.JAVA_HOME ? join(parsed.JAVA_HOME, 'bin', 'java') : 'java',
  };
}
