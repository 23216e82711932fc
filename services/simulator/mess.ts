import type { MessOptions } from './options.ts';
import type { Rng } from './prng.ts';
import type { Emitted } from './world.ts';

/**
 * Real-world mess between the simulated platform and the wire: at-least-once duplicates (the
 * same line again), late events (held back at most `maxLatenessMs`, so lateness never exceeds
 * the window), and a few malformed lines added next to the valid ones. Every line it adds or
 * moves is counted.
 */
export const MALFORMED_KINDS = [
  'invalid_json',
  'missing_field',
  'bad_timestamp',
  'bad_value',
  'oversize',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export type RecordKind = 'event' | 'duplicate' | MalformedKind;

/** One line of the stream, with its Kafka key (the seller id) and what it is. */
export interface SimulatedRecord {
  key: string;
  line: string;
  kind: RecordKind;
}

export interface MessCounters {
  duplicates: number;
  outOfOrder: number;
  maxLatenessMs: number;
  malformed: Record<MalformedKind, number>;
}

export function emptyMessCounters(): MessCounters {
  return {
    duplicates: 0,
    outOfOrder: 0,
    maxLatenessMs: 0,
    malformed: { invalid_json: 0, missing_field: 0, bad_timestamp: 0, bad_value: 0, oversize: 0 },
  };
}

interface Held {
  release: number;
  seq: number;
  at: number;
  record: SimulatedRecord;
}

/** Fields whose absence the contract rejects, by event type (besides the envelope). */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'seller.registered': ['identifiers'],
  'listing.published': ['listing_id', 'title', 'description', 'category', 'price'],
  'listing.edited': ['listing_id'],
  'listing.taken_down': [
    'listing_id',
    'decision_ground',
    'category',
    'source_type',
    'automated_detection',
  ],
  'listing.withdrawn': ['listing_id', 'reason'],
  'notice.received': ['notice_id', 'notifier_type', 'category'],
  'seller.sanctioned': ['action'],
};

const BAD_TIMESTAMPS = [
  '2026-02-30T10:00:00Z',
  '2026-13-01T00:00:00Z',
  '01/03/2026 10:15',
  '2026-03-01 10:15:00',
  '2026-03-01T10:15:00',
  'yesterday',
];

export class Mess {
  private readonly held: Held[] = [];
  private seq = 0;
  private maxAt = Number.NEGATIVE_INFINITY;
  private oversizeDone: boolean;

  constructor(
    private readonly options: MessOptions,
    private readonly rng: Rng,
    private readonly counters: MessCounters,
    /** The oversize record, when asked for, goes out with the first publication after this time. */
    private readonly oversizeAfter: number,
  ) {
    this.oversizeDone = !options.oversize;
  }

  /** Takes the next event (in event-time order) and appends what is due to `out`. */
  push(e: Emitted, out: SimulatedRecord[]): void {
    const { rng, options } = this;
    this.release(e.at, out);
    const record: SimulatedRecord = e;
    if (options.maxLatenessMs > 0 && rng.next() < options.lateRate) {
      this.hold(e.at + 1 + Math.floor(rng.next() * options.maxLatenessMs), e.at, record);
    } else {
      this.send(e.at, record, out);
    }
    if (rng.next() < options.duplicateRate) {
      const copy: SimulatedRecord = { key: e.key, line: e.line, kind: 'duplicate' };
      this.counters.duplicates++;
      this.hold(e.at + Math.floor(rng.next() * (options.maxLatenessMs + 1)), e.at, copy);
      this.release(e.at, out);
    }
    if (rng.next() < options.malformedRate) out.push(this.malformed(e));
    if (!this.oversizeDone && e.at >= this.oversizeAfter && e.type === 'listing.published') {
      this.oversizeDone = true;
      out.push(this.oversize(e));
    }
  }

  /** Sends everything still held back, in release order. */
  flush(out: SimulatedRecord[]): void {
    this.release(Number.POSITIVE_INFINITY, out);
  }

  private send(at: number, record: SimulatedRecord, out: SimulatedRecord[]): void {
    if (at < this.maxAt) {
      this.counters.outOfOrder++;
      if (this.maxAt - at > this.counters.maxLatenessMs)
        this.counters.maxLatenessMs = this.maxAt - at;
    } else {
      this.maxAt = at;
    }
    out.push(record);
  }

  private hold(release: number, at: number, record: SimulatedRecord): void {
    const heap = this.held;
    const item: Held = { release, seq: this.seq++, at, record };
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Held;
      if (earlier(p, item)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  private release(until: number, out: SimulatedRecord[]): void {
    const heap = this.held;
    while (heap.length > 0 && (heap[0] as Held).release <= until) {
      const top = heap[0] as Held;
      const last = heap.pop() as Held;
      if (heap.length > 0) {
        let i = 0;
        const n = heap.length;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= n) break;
          const r = l + 1;
          const child = r < n && earlier(heap[r] as Held, heap[l] as Held) ? r : l;
          const c = heap[child] as Held;
          if (earlier(last, c)) break;
          heap[i] = c;
          i = child;
        }
        heap[i] = last;
      }
      this.send(top.at, top.record, out);
    }
  }

  private malformed(e: Emitted): SimulatedRecord {
    const { rng, counters } = this;
    const kinds = ['invalid_json', 'missing_field', 'bad_timestamp', 'bad_value'] as const;
    const kind = kinds[Math.floor(rng.next() * kinds.length)] ?? 'invalid_json';
    counters.malformed[kind]++;
    if (kind === 'invalid_json') {
      // Any proper prefix of a JSON object is invalid JSON: a line cut in transit.
      const cut = 1 + Math.floor(rng.next() * (e.line.length - 2));
      return { key: e.key, line: e.line.slice(0, cut), kind };
    }
    const event = JSON.parse(e.line) as Record<string, unknown>;
    event.event_id = `${String(event.event_id)}-bad`;
    if (kind === 'missing_field') {
      const fields = ['occurred_at', 'seller_id', 'type', ...(REQUIRED[e.type] ?? [])];
      delete event[fields[Math.floor(rng.next() * fields.length)] as string];
    } else if (kind === 'bad_timestamp') {
      event.occurred_at = BAD_TIMESTAMPS[Math.floor(rng.next() * BAD_TIMESTAMPS.length)];
    } else if (event.price !== undefined) {
      event.price = { amount: -Math.round(1 + rng.next() * 100), currency: 'EUR' };
    } else if (event.decision_ground !== undefined) {
      event.decision_ground = 'DECISION_GROUND_UNKNOWN';
    } else {
      event.type = 'seller.updated';
    }
    return { key: e.key, line: JSON.stringify(event), kind };
  }

  private oversize(e: Emitted): SimulatedRecord {
    this.counters.malformed.oversize++;
    const event = JSON.parse(e.line) as Record<string, unknown>;
    event.event_id = `${String(event.event_id)}-big`;
    // A seller pasting a catalogue into the description: well over the 1 MiB record cap.
    event.description = String(event.description).padEnd(1_200_000, ' lorem ipsum');
    return { key: e.key, line: JSON.stringify(event), kind: 'oversize' };
  }
}

function earlier(a: Held, b: Held): boolean {
  return a.release < b.release || (a.release === b.release && a.seq < b.seq);
}
