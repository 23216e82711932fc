import { Worker } from 'node:worker_threads';
import { serializeForest, type Forest, type Matrix } from '../../detectors/forest/index.ts';
import { VigieError } from '../../streams/errors.ts';
import type { ScoreReply, ScoreRequest, ScoreWorkerData } from './score-messages.ts';

export interface ParallelScorerOptions {
  forest: Forest;
  /** Worker threads. Default 2. */
  threads?: number;
  /** Rows per task: threads take the next task when done, so a slower core holds less. */
  chunkRows?: number;
}

export interface ParallelScorer {
  readonly threads: number;
  /**
   * Scores every row, identical to `forest.scoreMany`. A matrix in a SharedArrayBuffer is read in
   * place (see `sharedMatrix`); any other is copied into shared memory first.
   */
  scoreMany(matrix: Matrix): Promise<Float64Array>;
  close(): Promise<void>;
}

/** A zeroed row-major matrix in shared memory, to fill and score without a copy. */
export function sharedMatrix(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(new SharedArrayBuffer(rows * cols * 8)) };
}

const WORKER_URL = new URL('./score-worker.mjs', import.meta.url);

/**
 * Scores large populations across worker threads (the forest's scoring loop is pure and
 * single-threaded; this spreads row ranges over cores). Each worker loads the model once.
 */
export async function createParallelScorer(
  options: ParallelScorerOptions,
): Promise<ParallelScorer> {
  const threads = options.threads ?? 2;
  const chunkRows = options.chunkRows ?? 32_768;
  const workerData: ScoreWorkerData = { model: serializeForest(options.forest) };
  const workers = await Promise.all(Array.from({ length: threads }, () => startWorker(workerData)));
  let nextId = 0;

  function run(worker: Worker, request: ScoreRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: ScoreReply) => {
        if (!('id' in reply) || reply.id !== request.id) return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (reply.ok) resolve();
        else reject(new VigieError('INTERNAL', `scoring thread failed: ${reply.error}`));
      };
      const onError = (err: Error) => {
        worker.off('message', onMessage);
        reject(
          new VigieError('INTERNAL', `scoring thread crashed: ${err.message}`, { cause: err }),
        );
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(request);
    });
  }

  return {
    threads,
    async scoreMany(matrix) {
      const shared =
        matrix.data.buffer instanceof SharedArrayBuffer &&
        matrix.data.byteOffset === 0 &&
        matrix.data.length === matrix.rows * matrix.cols
          ? (matrix.data.buffer as SharedArrayBuffer)
          : copyToShared(matrix.data);
      const out = new SharedArrayBuffer(matrix.rows * 8);
      let from = 0;
      const drain = async (worker: Worker): Promise<void> => {
        while (from < matrix.rows) {
          const start = from;
          from = Math.min(matrix.rows, from + chunkRows);
          await run(worker, {
            id: nextId++,
            data: shared,
            cols: matrix.cols,
            from: start,
            to: from,
            out,
          });
        }
      };
      await Promise.all(workers.map(drain));
      return new Float64Array(out);
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function copyToShared(data: Float64Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(data.length * 8);
  new Float64Array(buffer).set(data);
  return buffer;
}

function startWorker(workerData: ScoreWorkerData): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData });
    const onError = (err: Error) =>
      reject(
        new VigieError('INTERNAL', `cannot start a scoring thread: ${err.message}`, { cause: err }),
      );
    worker.once('error', onError);
    worker.once('message', (reply: ScoreReply) => {
      worker.off('error', onError);
      if ('ready' in reply) resolve(worker);
      else reject(new VigieError('INTERNAL', 'scoring thread answered before it was ready'));
    });
  });
}
