export * from './vocabularies.ts';
export * from './events.ts';
export * from './flag.ts';
export * from './decode.ts';
export { contractJsonSchema } from './json-schema.ts';
export * from './records.ts';
