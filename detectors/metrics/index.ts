export { rocAuc } from './roc-auc.ts';
export { averagePrecision } from './average-precision.ts';
