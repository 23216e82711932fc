import { EVENT_TYPES, type EventType } from '../../streams/contract/index.ts';
import {
  emptyMessCounters,
  Mess,
  type MalformedKind,
  type MessCounters,
  type SimulatedRecord,
} from './mess.ts';
import {
  resolveOptions,
  SELLER_CLASSES,
  type ResolvedSimulationOptions,
  type SellerClass,
  type SimulationOptionsInput,
} from './options.ts';
import { castSellers } from './population.ts';
import { deriveRng, hash32 } from './prng.ts';
import { stageActor } from './actors.ts';
import type { SimulationTruth } from './truth.ts';
import { World } from './world.ts';

/**
 * The simulated marketplace: a seeded, streaming generator of contract events (NDJSON lines)
 * with a truth file. Pure: no I/O; `write.ts` puts the lines in a file or on Kafka.
 */

export interface SimulationSummary {
  /** Seller ids in the truth (ban evaders add one each). */
  sellers: number;
  sellersByClass: Record<SellerClass, number>;
  /** Lines emitted so far, of every kind. */
  lines: number;
  /** Distinct valid events. */
  events: number;
  eventsByType: Record<EventType, number>;
  takedownsByClass: Record<SellerClass, number>;
  /** Extra copies of a valid line (same event_id). */
  duplicates: number;
  /** Valid lines emitted after a line with a later event time. */
  outOfOrder: number;
  /** Largest such lateness; never above the lateness window. */
  maxLatenessMs: number;
  malformed: Record<MalformedKind, number>;
  malformedTotal: number;
  /** Event time of the first and last valid events (registrations may predate the period). */
  firstEventAt: string | null;
  lastEventAt: string | null;
  /** True once the stream has been read to the end. */
  complete: boolean;
}

export interface Simulation {
  readonly options: ResolvedSimulationOptions;
  /** Known before the first event: the cast and its planned times. */
  readonly truth: SimulationTruth;
  /** The NDJSON lines (no newline), in emission order; each iteration replays the same stream. */
  readonly events: Iterable<string>;
  /** The same stream with Kafka keys (seller ids) and each line's kind. */
  records(): IterableIterator<SimulatedRecord>;
  /** Counts of the latest (or current) iteration. */
  summary(): SimulationSummary;
}

export function simulateMarketplace(input: SimulationOptionsInput): Simulation {
  const options = resolveOptions(input);
  const seed = hash32(String(options.seed));
  const cast = castSellers(options, seed);
  const classOf = new Map<string, SellerClass>();
  for (const [id, s] of Object.entries(cast.truth.sellers)) classOf.set(id, s.class);
  let current: RunState = newRun(cast.truth);

  function* stream(lines: boolean): IterableIterator<SimulatedRecord | string> {
    const run = newRun(cast.truth);
    current = run;
    const { summary, counters } = run;
    const world = new World({
      startMs: options.startMs,
      endMs: options.endMs,
      idPrefix: seed.toString(36),
    });
    const mess = new Mess(
      options.mess,
      deriveRng(seed, 'mess'),
      counters,
      options.startMs + (options.endMs - options.startMs) / 2,
    );
    for (const plan of cast.actors) stageActor(world, plan, seed);
    const out: SimulatedRecord[] = [];
    while (world.step()) {
      const box = world.outbox;
      if (box.length === 0) continue;
      for (const e of box) {
        summary.events++;
        summary.eventsByType[e.type as EventType]++;
        if (e.type === 'listing.taken_down') {
          const cls = classOf.get(e.key);
          if (cls !== undefined) summary.takedownsByClass[cls]++;
        }
        if (Number.isNaN(run.first)) run.first = e.at;
        run.last = e.at;
        mess.push(e, out);
      }
      box.length = 0;
      for (const r of out) {
        summary.lines++;
        yield lines ? r.line : r;
      }
      out.length = 0;
    }
    mess.flush(out);
    for (const r of out) {
      summary.lines++;
      yield lines ? r.line : r;
    }
    summary.complete = true;
  }

  return {
    options,
    truth: cast.truth,
    events: { [Symbol.iterator]: () => stream(true) as IterableIterator<string> },
    records: () => stream(false) as IterableIterator<SimulatedRecord>,
    summary: () => snapshot(current),
  };
}

interface RunState {
  summary: SimulationSummary;
  counters: MessCounters;
  first: number;
  last: number;
}

function newRun(truth: SimulationTruth): RunState {
  return { summary: emptySummary(truth), counters: emptyMessCounters(), first: NaN, last: NaN };
}

function snapshot(run: RunState): SimulationSummary {
  const { counters } = run;
  const s = structuredClone(run.summary);
  s.duplicates = counters.duplicates;
  s.outOfOrder = counters.outOfOrder;
  s.maxLatenessMs = counters.maxLatenessMs;
  s.malformed = { ...counters.malformed };
  s.malformedTotal = Object.values(counters.malformed).reduce((a, b) => a + b, 0);
  if (!Number.isNaN(run.first)) s.firstEventAt = new Date(run.first).toISOString();
  if (!Number.isNaN(run.last)) s.lastEventAt = new Date(run.last).toISOString();
  return s;
}

function emptySummary(truth: SimulationTruth): SimulationSummary {
  const zeroClasses = (): Record<SellerClass, number> =>
    Object.fromEntries(SELLER_CLASSES.map((c) => [c, 0])) as Record<SellerClass, number>;
  return {
    sellers: Object.keys(truth.sellers).length,
    sellersByClass: { ...zeroClasses(), ...truth.counts },
    lines: 0,
    events: 0,
    eventsByType: Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>,
    takedownsByClass: zeroClasses(),
    duplicates: 0,
    outOfOrder: 0,
    maxLatenessMs: 0,
    malformed: emptyMessCounters().malformed,
    malformedTotal: 0,
    firstEventAt: null,
    lastEventAt: null,
    complete: false,
  };
}
