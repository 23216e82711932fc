import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths never written to logs: seller and notifier ids, hashed identifiers and listing text are
 * personal data or close to it. Components log counts and codes, not payloads.
 */
export const REDACT_PATHS = [
  'seller_id',
  'sellerId',
  '*.seller_id',
  '*.sellerId',
  'notifier_id',
  '*.notifier_id',
  'identifiers',
  '*.identifiers',
  'title',
  '*.title',
  'description',
  '*.description',
  'payload',
  '*.payload',
  'raw',
  '*.raw',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
];

export interface LoggerConfig {
  level: string;
  /** Pretty output for people; JSON otherwise. Defaults to whether stdout is a terminal. */
  pretty?: boolean;
  /** Where logs go; stderr by default so that stdout stays for command output. */
  destination?: number;
}

/** The one root logger of a process; components take `logger.child({ component })`. */
export function createLogger(config: LoggerConfig): Logger {
  const destination = config.destination ?? 2;
  const pretty = config.pretty ?? Boolean(process.stderr.isTTY && destination === 2);
  const options: LoggerOptions = {
    level: config.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'vigie' },
  };
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination, colorize: true } },
    });
  }
  return pino(options, pino.destination({ dest: destination, sync: false }));
}
