/**
 * The simulation clock: a min-heap of scheduled tasks ordered by (time, insertion), so events
 * come out in event-time order and ties resolve the same way on every run. Tasks emit events
 * (serialised at once) into an outbox the generator drains between tasks; nothing is built for
 * the whole period up front, so memory follows the number of live listings, not the stream.
 */
export interface Emitted {
  /** Event time, ms since the epoch. */
  at: number;
  /** Kafka key: the seller id. */
  key: string;
  type: string;
  /** The event as one JSON line (no newline). */
  line: string;
  /** Always `event` here; the mess layer reuses this object as the outgoing record. */
  kind: 'event';
}

type Task = (arg: unknown, world: World) => void;

export interface WorldOptions {
  startMs: number;
  endMs: number;
  /** Short per-run prefix making ids unique across runs with different seeds. */
  idPrefix: string;
}

export class World {
  readonly startMs: number;
  readonly endMs: number;
  now: number;
  readonly outbox: Emitted[] = [];
  // A 4-ary min-heap stored as parallel arrays (time, insertion number, task): no object per
  // task and fewer cache misses than an array of task objects; it holds every live listing's
  // next step, so it is large and hot.
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private runs: Task[] = [];
  private args: unknown[] = [];
  private size = 0;
  private seq = 0;
  private eventCounter = 0;
  private listingCounter = 0;
  private noticeCounter = 0;
  private readonly prefix: string;
  private readonly clock = new IsoClock();

  constructor(options: WorldOptions) {
    this.startMs = options.startMs;
    this.endMs = options.endMs;
    // Before the first task runs nothing is "now": registrations may predate the period.
    this.now = Number.NEGATIVE_INFINITY;
    this.prefix = options.idPrefix;
  }

  /**
   * Runs `run(arg, world)` at `time` (ms, rounded); tasks at or after the end of the period are
   * dropped. Passing the state as `arg` to a shared function, rather than a fresh closure, is
   * what hot paths (every listing's lifecycle) do: fewer objects live across days of simulated
   * time, less garbage-collection work.
   */
  at<A>(time: number, run: (arg: A, world: World) => void, arg?: A): void {
    const at = Math.round(time);
    if (at >= this.endMs) return;
    this.push(at > this.now ? at : this.now, run as Task, arg);
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.now + Math.max(0, delayMs), run);
  }

  get pending(): number {
    return this.size;
  }

  /** Runs the earliest task; false when none is left. */
  step(): boolean {
    if (this.size === 0) return false;
    this.now = this.times[0] as number;
    const run = this.runs[0] as Task;
    const arg = this.args[0];
    this.removeTop();
    run(arg, this);
    return true;
  }

  /**
   * Emits a contract event at the current time. `body` is the JSON of the type's fields, each
   * preceded by a comma (`,"listing_id":"l1-0"`): lines are assembled as strings because
   * building and stringifying an object per event costs more than the rest of the simulation.
   */
  emit(type: string, sellerId: string, body: string): void {
    const id = `e${this.prefix}-${(this.eventCounter++).toString(36)}`;
    // Seller ids are the simulator's own (`s-` and hex): nothing to escape.
    const line = `{"event_id":"${id}","type":"${type}","occurred_at":"${this.clock.format(this.now)}","seller_id":"${sellerId}"${body}}`;
    this.outbox.push({ at: this.now, key: sellerId, type, line, kind: 'event' });
  }

  newListingId(): string {
    return `l${this.prefix}-${(this.listingCounter++).toString(36)}`;
  }

  newNoticeId(): string {
    return `n${this.prefix}-${(this.noticeCounter++).toString(36)}`;
  }

  private push(at: number, run: Task, arg: unknown): void {
    if (this.size === this.times.length) this.grow();
    const { times, seqs, runs, args } = this;
    const seq = this.seq++;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent] as number;
      if (pt < at || (pt === at && (seqs[parent] as number) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      runs[i] = runs[parent] as Task;
      args[i] = args[parent];
      i = parent;
    }
    times[i] = at;
    seqs[i] = seq;
    runs[i] = run;
    args[i] = arg;
  }

  private removeTop(): void {
    const { times, seqs, runs, args } = this;
    const n = --this.size;
    if (n === 0) {
      runs.length = 0;
      args.length = 0;
      return;
    }
    const at = times[n] as number;
    const seq = seqs[n] as number;
    const run = runs[n] as Task;
    const arg = args[n];
    runs.length = n;
    args.length = n;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let best = first;
      let bt = times[first] as number;
      let bs = seqs[first] as number;
      const last = Math.min(first + 4, n);
      for (let c = first + 1; c < last; c++) {
        const ct = times[c] as number;
        if (ct < bt || (ct === bt && (seqs[c] as number) < bs)) {
          best = c;
          bt = ct;
          bs = seqs[c] as number;
        }
      }
      if (at < bt || (at === bt && seq < bs)) break;
      times[i] = bt;
      seqs[i] = bs;
      runs[i] = runs[best] as Task;
      args[i] = args[best];
      i = best;
    }
    times[i] = at;
    seqs[i] = seq;
    runs[i] = run;
    args[i] = arg;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
  }
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) =>
  String(i).padStart(2, '0'),
);
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, i) =>
  String(i).padStart(3, '0'),
);

/** `Date#toISOString` with the date part cached: most consecutive events share a day. */
export class IsoClock {
  private dayStart = Number.NaN;
  private datePart = '';

  format(ms: number): string {
    let offset = ms - this.dayStart;
    if (!(offset >= 0 && offset < 86_400_000)) {
      this.dayStart = Math.floor(ms / 86_400_000) * 86_400_000;
      this.datePart = new Date(this.dayStart).toISOString().slice(0, 11);
      offset = ms - this.dayStart;
    }
    const h = Math.floor(offset / 3_600_000);
    const m = Math.floor(offset / 60_000) % 60;
    const sec = Math.floor(offset / 1000) % 60;
    return `${this.datePart}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[sec]}.${THREE_DIGITS[offset % 1000]}Z`;
  }
}
