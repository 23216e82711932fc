import type { SimulationOptionsInput } from '../simulator/index.ts';

/** What the paced producer worker is given (services/bench/paced-producer-worker.ts). */
export interface PacedProducerData {
  brokers: string[];
  topic: string;
  simulation: SimulationOptionsInput;
  ratePerS: number;
  seconds: number;
  /** How often the worker sends what is due, ms. */
  tickMs: number;
}

/**
 * What it posts back: its thread id (for the windows' CPU per thread), that its load is
 * simulated (sending starts), send times (absolute ms, `timeOrigin + now()`), then how it ended.
 */
export type PacedProducerReply =
  | { kind: 'thread'; tid: string }
  | { kind: 'ready' }
  | { kind: 'sent'; ids: string[]; at: number }
  | { kind: 'done'; produced: number; sendingMs: number }
  | { kind: 'failed'; message: string };
