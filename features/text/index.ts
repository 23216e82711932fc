/**
 * Evasive-wording toolkit (issue 4): normalisation, tokens, MinHash + LSH near-duplicates,
 * perceptual image-hash matching and divergence helpers. Pure: no I/O.
 * STUB: signatures are final; implementations land shortly.
 */
export interface NormalisedText {
  original: string;
  normalised: string;
  tokens: string[];
  /** 0..1: share of the text that normalisation had to undo (confusables, leet, separators, …). */
  obfuscation: number;
}

export interface MinHasher {
  readonly numHashes: number;
  signature(text: NormalisedText | string[]): Uint32Array;
}

export interface LshIndex<Id> {
  add(id: Id, sig: Uint32Array, time: number): void;
  remove(id: Id): void;
  query(sig: Uint32Array): Id[];
  expireBefore(time: number): number;
  readonly size: number;
}

export interface ImageHashIndex {
  add(id: string, hash: string, time: number): void;
  exact(hash: string): string[];
  near(hash: string, maxDistance: number): Array<{ id: string; distance: number }>;
  expireBefore(time: number): number;
  readonly size: number;
}

const todo = (): never => {
  throw new Error('features/text: not implemented yet');
};

export function normaliseText(_text: string): NormalisedText {
  return todo();
}
export function shingles(_tokens: string[], _k?: number): string[] {
  return todo();
}
export function createMinHasher(_options?: { numHashes?: number; seed?: number }): MinHasher {
  return todo();
}
export function estimateJaccard(_a: Uint32Array, _b: Uint32Array): number {
  return todo();
}
export function createLshIndex<Id>(_options: {
  numHashes: number;
  bands: number;
  maxEntries: number;
}): LshIndex<Id> {
  return todo();
}
export function bandKeys(_sig: Uint32Array, _bands: number): string[] {
  return todo();
}
export function hammingHex(_a: string, _b: string): number {
  return todo();
}
export function createImageHashIndex(_options: { maxEntries: number }): ImageHashIndex {
  return todo();
}
export function tokenDistribution(_tokens: Iterable<string>): Map<string, number> {
  return todo();
}
export function jensenShannon(_p: Map<string, number>, _q: Map<string, number>): number {
  return todo();
}
export function textChangeRatio(_before: NormalisedText, _after: NormalisedText): number {
  return todo();
}
