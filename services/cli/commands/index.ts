import type { Command } from 'commander';
import { registerSchema } from './schema.ts';
import { registerEvalForest } from './eval-forest.ts';
import { registerEval } from './eval.ts';
import { registerReplay } from './replay.ts';
import { registerTrain } from './train.ts';
import { registerScore } from './score.ts';
import { registerSimulate } from './simulate.ts';
import { registerQuery } from './query.ts';
import { registerReport } from './report.ts';
import { registerErase } from './erase.ts';
import { registerKeys } from './keys.ts';
import { registerServe, registerStart } from './serve.ts';
import { registerDemo } from './demo.ts';
import { registerBench } from './bench.ts';

/** Every `vigie` sub-command registers itself here, one line each. */
export function registerCommands(program: Command): void {
  registerSchema(program);
  registerEvalForest(program);
  registerEval(program);
  registerSimulate(program);
  registerReplay(program);
  registerTrain(program);
  registerScore(program);
  registerQuery(program);
  registerReport(program);
  registerErase(program);
  registerKeys(program);
  registerServe(program);
  registerBench(program);
  registerStart(program);
  registerDemo(program);
}
