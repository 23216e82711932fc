/** Messages between the parallel scorer and its worker threads. */

export interface ScoreWorkerData {
  /** The model, as `serializeForest` writes it. */
  model: string;
}

export interface ScoreRequest {
  id: number;
  /** Row-major matrix in shared memory. */
  data: SharedArrayBuffer;
  cols: number;
  from: number;
  to: number;
  /** One Float64 score per row of the whole matrix. */
  out: SharedArrayBuffer;
}

export type ScoreReply =
  { ready: true } | { id: number; ok: true } | { id: number; ok: false; error: string };
