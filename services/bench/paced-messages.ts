import type { SimulationOptionsInput } from '../simulator/index.ts';

/** What the paced producer worker is given (services/bench/paced-producer-worker.ts). */
export interface PacedProducerData {
  brokers: string[];
  topic: string;
  simulation: SimulationOptionsInput;
  ratePerS: number;
  seconds: number;
}

/** What it posts back: send times (absolute ms, `timeOrigin + now()`), then how it ended. */
export type PacedProducerReply =
  | { kind: 'sent'; ids: string[]; at: number }
  | { kind: 'done'; produced: number; sendingMs: number }
  | { kind: 'failed'; message: string };
