import { VigieError } from '../../streams/errors.ts';
import { bandHashes, checkBands } from './band-keys.ts';
import { estimateJaccard, isEmptySignature } from './minhash.ts';
import { createTimeHeap } from './time-heap.ts';
import type { Timed } from './time-heap.ts';

/** 32 bands × 4 rows of a 128-hash signature: candidate threshold ≈ (1/32)^(1/4) ≈ 0.42. */
export const DEFAULT_BANDS = 32;

export interface LshIndexOptions {
  /** Signature length; must match the MinHasher. */
  numHashes: number;
  /** Number of bands; must divide numHashes. */
  bands: number;
  /** Hard bound on entries; the oldest (by event time) are evicted first. */
  maxEntries: number;
}

export interface SimilarEntry<Id> {
  id: Id;
  similarity: number;
  time: number;
}

export interface LshIndex<Id> {
  /** Indexes (or re-indexes) `id`; evicts the oldest entries beyond `maxEntries`. */
  add(id: Id, sig: Uint32Array, time: number): void;
  remove(id: Id): void;
  /** Candidate ids sharing at least one band with `sig`, best estimated similarity first. */
  query(sig: Uint32Array): Id[];
  /** Candidates whose estimated Jaccard similarity is at least `minSimilarity`, best first. */
  similar(sig: Uint32Array, minSimilarity: number): Array<SimilarEntry<Id>>;
  /** Removes entries whose time is before `time`; returns how many. */
  expireBefore(time: number): number;
  has(id: Id): boolean;
  readonly size: number;
}

interface Entry<Id> extends Timed {
  id: Id;
  sig: Uint32Array;
}

/** A bucket holds one entry (the common case, no array allocated) or several. */
type Bucket<Id> = Entry<Id> | Array<Entry<Id>>;

/**
 * In-memory band keys: 30 bits of each band hash, so they stay small integers in V8 (no heap
 * number per key). A chance collision only adds a candidate, which the similarity check drops.
 */
function bucketKeys(sig: Uint32Array, bands: number): Int32Array {
  const h = bandHashes(sig, bands);
  const keys = new Int32Array(bands);
  for (let b = 0; b < bands; b += 1) keys[b] = (h[2 * b + 1] ?? 0) & 0x3fffffff;
  return keys;
}

/**
 * In-memory MinHash LSH index with a hard size bound. Each band maps a band key to the entries
 * in that bucket; removal recomputes the keys from the stored signature (cheaper in memory than
 * keeping them), and eviction goes through a time heap so the oldest listings leave first,
 * whatever order they arrived in.
 */
export function createLshIndex<Id>(options: LshIndexOptions): LshIndex<Id> {
  const { numHashes, bands, maxEntries } = options;
  checkBands(numHashes, bands);
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new VigieError(
      'INVALID_CONFIG',
      `maxEntries must be a positive integer, got ${maxEntries}`,
      {
        context: { maxEntries },
      },
    );
  }
  const entries = new Map<Id, Entry<Id>>();
  const buckets: Array<Map<number, Bucket<Id>>> = Array.from({ length: bands }, () => new Map());
  const heap = createTimeHeap<Entry<Id>>();

  const checkSig = (sig: Uint32Array): void => {
    if (!(sig instanceof Uint32Array) || sig.length !== numHashes) {
      throw new VigieError('SCHEMA_VIOLATION', `expected a signature of ${numHashes} hashes`, {
        context: { expected: numHashes, got: sig instanceof Uint32Array ? sig.length : typeof sig },
      });
    }
  };

  const link = (entry: Entry<Id>): void => {
    // The empty signature (no tokens) is kept for the size bound but matches nothing.
    if (isEmptySignature(entry.sig)) return;
    const keys = bucketKeys(entry.sig, bands);
    for (let b = 0; b < bands; b += 1) {
      const bucket = buckets[b];
      const key = keys[b] ?? 0;
      const current = bucket?.get(key);
      if (current === undefined) bucket?.set(key, entry);
      else if (Array.isArray(current)) current.push(entry);
      else bucket?.set(key, [current, entry]);
    }
  };

  const unlink = (entry: Entry<Id>): void => {
    entry.alive = false;
    entries.delete(entry.id);
    if (!isEmptySignature(entry.sig)) {
      const keys = bucketKeys(entry.sig, bands);
      for (let b = 0; b < bands; b += 1) {
        const bucket = buckets[b];
        const key = keys[b] ?? 0;
        const current = bucket?.get(key);
        if (current === entry) bucket?.delete(key);
        else if (Array.isArray(current)) {
          const at = current.indexOf(entry);
          if (at >= 0) current.splice(at, 1);
          if (current.length === 1 && current[0] !== undefined) bucket?.set(key, current[0]);
        }
      }
    }
    heap.noteRemoved(entries.size);
  };

  const candidates = (sig: Uint32Array): Array<SimilarEntry<Id>> => {
    checkSig(sig);
    if (isEmptySignature(sig)) return [];
    const keys = bucketKeys(sig, bands);
    const seen = new Set<Entry<Id>>();
    const out: Array<SimilarEntry<Id>> = [];
    const consider = (entry: Entry<Id>): void => {
      if (seen.has(entry)) return;
      seen.add(entry);
      out.push({ id: entry.id, similarity: estimateJaccard(sig, entry.sig), time: entry.time });
    };
    for (let b = 0; b < bands; b += 1) {
      const current = buckets[b]?.get(keys[b] ?? 0);
      if (current === undefined) continue;
      if (Array.isArray(current)) current.forEach(consider);
      else consider(current);
    }
    return out.sort(
      (x, y) =>
        y.similarity - x.similarity || x.time - y.time || (String(x.id) < String(y.id) ? -1 : 1),
    );
  };

  return {
    add(id, sig, time) {
      checkSig(sig);
      if (!Number.isFinite(time)) {
        throw new VigieError('SCHEMA_VIOLATION', `time must be a finite number, got ${time}`, {
          context: { time },
        });
      }
      const existing = entries.get(id);
      if (existing !== undefined) unlink(existing);
      const entry: Entry<Id> = { id, sig: sig.slice(), time, order: String(id), alive: true };
      entries.set(id, entry);
      heap.push(entry);
      link(entry);
      while (entries.size > maxEntries) {
        const oldest = heap.pop();
        if (oldest === undefined) break;
        unlink(oldest);
      }
    },
    remove(id) {
      const entry = entries.get(id);
      if (entry !== undefined) unlink(entry);
    },
    query(sig) {
      return candidates(sig).map((c) => c.id);
    },
    similar(sig, minSimilarity) {
      return candidates(sig).filter((c) => c.similarity >= minSimilarity);
    },
    expireBefore(time) {
      let removed = 0;
      for (
        let oldest = heap.peek();
        oldest !== undefined && oldest.time < time;
        oldest = heap.peek()
      ) {
        heap.pop();
        unlink(oldest);
        removed += 1;
      }
      return removed;
    },
    has(id) {
      return entries.has(id);
    },
    get size() {
      return entries.size;
    },
  };
}
