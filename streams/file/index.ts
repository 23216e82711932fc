export { ndjsonLines, type NdjsonLine, type NdjsonLinesOptions } from './ndjson-lines.ts';
export {
  createNdjsonSource,
  REPLAY_BATCH_LINES,
  type NdjsonSourceOptions,
} from './ndjson-source.ts';
