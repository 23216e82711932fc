import { VigieError } from '../../streams/errors.ts';
import { createTimeHeap } from './time-heap.ts';
import type { Timed } from './time-heap.ts';

const HEX = /^[0-9a-f]+$/;
/** Chunk width of the multi-index: 16 bits, so each chunk table has at most 65,536 keys. */
const CHUNK_BITS = 16;
const CHUNK_HEX = CHUNK_BITS / 4;

/** Lower-cases and validates a perceptual hash: hex, a multiple of 16 bits, at least 64 bits. */
export function parseHashHex(hash: string): string {
  const lower = typeof hash === 'string' ? hash.toLowerCase() : '';
  if (!HEX.test(lower) || lower.length % CHUNK_HEX !== 0 || lower.length < 16) {
    throw new VigieError(
      'SCHEMA_VIOLATION',
      'perceptual hash must be hex of 64+ bits in 16-bit steps',
      {
        context: { length: typeof hash === 'string' ? hash.length : typeof hash },
      },
    );
  }
  return lower;
}

function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Hamming distance in bits between two hex hashes of equal length (PDQ: 64 hex = 256 bits). */
export function hammingHex(a: string, b: string): number {
  const x = parseHashHex(a);
  const y = parseHashHex(b);
  if (x.length !== y.length) {
    throw new VigieError(
      'SCHEMA_VIOLATION',
      `hashes differ in length: ${x.length} vs ${y.length} hex digits`,
      {
        context: { left: x.length, right: y.length },
      },
    );
  }
  let distance = 0;
  for (let i = 0; i < x.length; i += 8) {
    distance += popcount32(parseInt(x.slice(i, i + 8), 16) ^ parseInt(y.slice(i, i + 8), 16));
  }
  return distance;
}

function chunksOf(hex: string): Uint16Array {
  const out = new Uint16Array(hex.length / CHUNK_HEX);
  for (let c = 0; c < out.length; c += 1)
    out[c] = parseInt(hex.slice(c * CHUNK_HEX, (c + 1) * CHUNK_HEX), 16);
  return out;
}

function chunkDistance(a: Uint16Array, b: Uint16Array): number {
  let d = 0;
  for (let c = 0; c < a.length; c += 1) d += popcount32((a[c] ?? 0) ^ (b[c] ?? 0));
  return d;
}

/** All 16-bit values within `radius` bits of `value` (radius ≤ 3 in practice). */
function neighbours(value: number, radius: number, out: number[], from = 0): void {
  out.push(value);
  if (radius === 0) return;
  for (let bit = from; bit < CHUNK_BITS; bit += 1)
    neighbours(value ^ (1 << bit), radius - 1, out, bit + 1);
}

function binomialSum(n: number, r: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k <= r; k += 1) {
    sum += term;
    term = (term * (n - k)) / (k + 1);
  }
  return sum;
}

export interface ImageHashIndexOptions {
  /** Hard bound on (id, hash) entries; the oldest (by event time) are evicted first. */
  maxEntries: number;
}

export interface ImageHashMatch {
  id: string;
  distance: number;
}

export interface ImageHashIndex {
  /** Indexes one image hash of `id` (a listing may have several). */
  add(id: string, hash: string, time: number): void;
  /** Ids having exactly this hash, sorted. */
  exact(hash: string): string[];
  /** Ids with a hash within `maxDistance` bits, nearest first (one row per id, its best). */
  near(hash: string, maxDistance: number): ImageHashMatch[];
  /** Removes entries whose time is before `time`; returns how many. */
  expireBefore(time: number): number;
  readonly size: number;
}

interface Entry extends Timed {
  id: string;
  hash: string;
  chunks: Uint16Array;
}

/** One entry (the common case: no collection allocated) or several. */
type Bucket = Entry | Entry[];

function bucketAdd<K>(map: Map<K, Bucket>, key: K, entry: Entry): void {
  const current = map.get(key);
  if (current === undefined) map.set(key, entry);
  else if (Array.isArray(current)) current.push(entry);
  else map.set(key, [current, entry]);
}

function bucketRemove<K>(map: Map<K, Bucket>, key: K, entry: Entry): void {
  const current = map.get(key);
  if (current === entry) map.delete(key);
  else if (Array.isArray(current)) {
    const at = current.indexOf(entry);
    if (at >= 0) current.splice(at, 1);
    if (current.length === 1 && current[0] !== undefined) map.set(key, current[0]);
  }
}

function bucketEach(bucket: Bucket | undefined, visit: (entry: Entry) => void): void {
  if (bucket === undefined) return;
  if (Array.isArray(bucket)) bucket.forEach(visit);
  else visit(bucket);
}

/**
 * Exact and near (Hamming) lookups of perceptual hashes. Near lookups use multi-index hashing:
 * the hash is cut into m chunks of 16 bits, each with its own table; if two hashes are within d
 * bits, some chunk is within ⌊d/m⌋ bits (pigeonhole), so probing every chunk's neighbours within
 * that radius finds all matches. For PDQ (m = 16) and d ≤ 31 that is 16 × 17 probes; when the
 * probes would outnumber the entries, a linear scan is cheaper and is used instead.
 */
export function createImageHashIndex(options: ImageHashIndexOptions): ImageHashIndex {
  const { maxEntries } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new VigieError(
      'INVALID_CONFIG',
      `maxEntries must be a positive integer, got ${maxEntries}`,
      {
        context: { maxEntries },
      },
    );
  }
  const entries = new Map<string, Entry>();
  const byHash = new Map<string, Bucket>();
  let tables: Array<Map<number, Bucket>> = [];
  let hexLength = 0;
  const heap = createTimeHeap<Entry>();

  const checkLength = (hex: string): void => {
    if (hexLength === 0) {
      hexLength = hex.length;
      tables = Array.from({ length: hex.length / CHUNK_HEX }, () => new Map());
    } else if (hex.length !== hexLength) {
      throw new VigieError(
        'SCHEMA_VIOLATION',
        `this index holds ${hexLength * 4}-bit hashes, got ${hex.length * 4} bits`,
        {
          context: { expected: hexLength, got: hex.length },
        },
      );
    }
  };

  const unlink = (entry: Entry): void => {
    entry.alive = false;
    entries.delete(entry.order);
    bucketRemove(byHash, entry.hash, entry);
    for (let c = 0; c < entry.chunks.length; c += 1) {
      const table = tables[c];
      if (table !== undefined) bucketRemove(table, entry.chunks[c] ?? 0, entry);
    }
    heap.noteRemoved(entries.size);
  };

  return {
    add(id, hash, time) {
      if (typeof id !== 'string' || id === '') {
        throw new VigieError('SCHEMA_VIOLATION', 'image hash id must be a non-empty string', {
          context: {},
        });
      }
      if (!Number.isFinite(time)) {
        throw new VigieError('SCHEMA_VIOLATION', `time must be a finite number, got ${time}`, {
          context: { time },
        });
      }
      const hex = parseHashHex(hash);
      checkLength(hex);
      const order = `${id}\u0000${hex}`;
      const existing = entries.get(order);
      if (existing !== undefined) unlink(existing);
      const entry: Entry = { id, hash: hex, chunks: chunksOf(hex), time, order, alive: true };
      entries.set(order, entry);
      heap.push(entry);
      bucketAdd(byHash, hex, entry);
      for (let c = 0; c < entry.chunks.length; c += 1) {
        const table = tables[c];
        if (table !== undefined) bucketAdd(table, entry.chunks[c] ?? 0, entry);
      }
      while (entries.size > maxEntries) {
        const oldest = heap.pop();
        if (oldest === undefined) break;
        unlink(oldest);
      }
    },
    exact(hash) {
      const hex = parseHashHex(hash);
      const ids = new Set<string>();
      bucketEach(byHash.get(hex), (entry) => ids.add(entry.id));
      return [...ids].sort();
    },
    near(hash, maxDistance) {
      if (!Number.isInteger(maxDistance) || maxDistance < 0) {
        throw new VigieError(
          'BAD_REQUEST',
          `maxDistance must be a non-negative integer, got ${maxDistance}`,
          {
            context: { maxDistance },
          },
        );
      }
      const hex = parseHashHex(hash);
      if (entries.size === 0) return [];
      checkLength(hex);
      const query = chunksOf(hex);
      const m = query.length;
      const radius = Math.floor(maxDistance / m);
      const best = new Map<string, number>();
      const consider = (entry: Entry): void => {
        const d = chunkDistance(query, entry.chunks);
        if (d > maxDistance) return;
        const prev = best.get(entry.id);
        if (prev === undefined || d < prev) best.set(entry.id, d);
      };
      if (m * binomialSum(CHUNK_BITS, radius) >= entries.size) {
        for (const entry of entries.values()) consider(entry);
      } else {
        const seen = new Set<Entry>();
        const visit = (entry: Entry): void => {
          if (seen.has(entry)) return;
          seen.add(entry);
          consider(entry);
        };
        const probes: number[] = [];
        for (let c = 0; c < m; c += 1) {
          probes.length = 0;
          neighbours(query[c] ?? 0, radius, probes);
          const table = tables[c];
          for (const probe of probes) bucketEach(table?.get(probe), visit);
        }
      }
      return [...best]
        .map(([id, distance]) => ({ id, distance }))
        .sort((x, y) => x.distance - y.distance || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
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
    get size() {
      return entries.size;
    },
  };
}
