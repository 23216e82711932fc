/**
 * The pure feature layer's door: the per-seller feature engine and the text toolkit it uses.
 * No I/O here; the ClickHouse edge is features/store/ and has its own door.
 */
export * from './engine/index.ts';
export * from './text/index.ts';
