// The stream side of Vigie: the event contract, sources (Kafka, NDJSON) and dead letters.
export * from './contract/index.ts';
export * from './errors.ts';
export * from './kafka/index.ts';
export * from './file/index.ts';
export * from './dead-letter/index.ts';
