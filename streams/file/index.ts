export { ndjsonLines, type NdjsonLine, type NdjsonLinesOptions } from './ndjson-lines.ts';
export { createNdjsonSource, type NdjsonSourceOptions } from './ndjson-source.ts';
