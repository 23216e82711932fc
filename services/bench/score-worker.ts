import { parentPort, workerData } from 'node:worker_threads';
import { deserializeForest } from '../../detectors/forest/index.ts';
import type { ScoreRequest, ScoreWorkerData } from './score-messages.ts';

/**
 * One scoring thread: holds its own copy of the model and scores row ranges of a matrix in
 * shared memory, writing scores into a shared output. No copy of the rows either way.
 */
const { model } = workerData as ScoreWorkerData;
const forest = deserializeForest(model);
const port = parentPort!;
// Builds the forest's batch kernel now, while the pool starts, rather than in the first task.
forest.scoreMany({
  rows: 64,
  cols: forest.nFeatures,
  data: new Float64Array(64 * forest.nFeatures),
});

port.on('message', (request: ScoreRequest) => {
  try {
    const rows = request.to - request.from;
    const data = new Float64Array(
      request.data,
      request.from * request.cols * 8,
      rows * request.cols,
    );
    const scores = forest.scoreMany({ rows, cols: request.cols, data });
    new Float64Array(request.out, request.from * 8, rows).set(scores);
    port.postMessage({ id: request.id, ok: true });
  } catch (err) {
    port.postMessage({ id: request.id, ok: false, error: (err as Error).message });
  }
});
port.postMessage({ ready: true });
