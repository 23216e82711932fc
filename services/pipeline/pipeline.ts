import type { Logger } from 'pino';
import type { RecordBatch } from '../../streams/contract/index.ts';
import type { DeadLetterSink } from '../../streams/dead-letter/index.ts';
import { VigieError } from '../../streams/errors.ts';
import { decodeBatch } from './decode-batch.ts';
import { createLaneLock } from './lane-lock.ts';
import { createPipelineMetrics, type PipelineMetrics } from './metrics.ts';
import { rebuildAllFromStore, rebuildFromStore } from './rebuild.ts';
import { createRecentIds } from './recent-ids.ts';
import type {
  AcceptedEvent,
  BatchResult,
  FeatureStage,
  OnChangedSellers,
  PipelineHooks,
  PipelineStore,
} from './types.ts';

/** What one chunk did. */
interface ChunkResult {
  accepted: number;
  recentHits: number;
  storeHits: number;
  changed: string[];
}

export interface PipelineOptions<Snapshot = unknown> {
  store: PipelineStore<Snapshot>;
  features: FeatureStage<Snapshot>;
  deadLetters: DeadLetterSink;
  logger: Logger;
  onChanged?: OnChangedSellers<Snapshot>;
  metrics?: PipelineMetrics;
  /** Most events handed to the engine and the store at once. Default 5,000. */
  batchSize?: number;
  /** Event ids remembered as done (dedup layer 2). Default 50,000 (~5 MB). */
  recentIdCapacity?: number;
  hooks?: PipelineHooks;
  now?: () => Date;
}

export interface Pipeline {
  /**
   * Decodes, validates and deduplicates a batch, stores its new events, applies them to the
   * features, stores the changed sellers' snapshots, hands them to `onChanged`, then acks the
   * batch. Throws (without ack) when a step fails; the source then redelivers the batch.
   */
  process(batch: RecordBatch): Promise<BatchResult>;
  /**
   * Rebuilds every seller's state from the store (at start, before consuming). Afterwards a
   * seller's state is re-read from the store only after `reassigned()`. Returns events read.
   */
  rebuild(): Promise<number>;
  /**
   * The set of owned sellers may have changed (Kafka rebalance): each seller's state is rebuilt
   * from the store the next time one of its events comes, before the event is applied.
   */
  reassigned(): void;
  /** Waits for the batches in hand, then refuses new ones. */
  stop(): Promise<void>;
  readonly metrics: PipelineMetrics;
}

/** One pipeline for every source (Kafka main and priority lanes, NDJSON replay, HTTP ingest). */
export function createPipeline<Snapshot>(options: PipelineOptions<Snapshot>): Pipeline {
  const { store, features, deadLetters } = options;
  const log = options.logger.child({ component: 'pipeline' });
  const metrics = options.metrics ?? createPipelineMetrics();
  const batchSize = options.batchSize ?? 5_000;
  const now = options.now ?? (() => new Date());
  const recent = createRecentIds(options.recentIdCapacity ?? 50_000);
  const lock = createLaneLock();
  /** Sellers whose state was rebuilt from the store since the last (re)assignment. */
  let hydrated = new Set<string>();
  /** True after a full rebuild, until the next reassignment. */
  let allHydrated = false;
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  let storedChunks = 0;
  /**
   * Ids of events whose write has started and not yet ended. Another lane's chunk may be applied
   * meanwhile (the lane lock covers a chunk's CPU part only): it treats these as stored, since the
   * chunk writing them is acknowledged only once they are, and is delivered again otherwise.
   */
  const writing = new Set<string>();

  /**
   * A chunk's CPU part, run under the lane lock: dedup, lookups, the engine, the snapshots. Its
   * store writes and detector pass go on in `done`, outside the lock, so that the next chunk's CPU
   * part overlaps them (`run` keeps at most one chunk's `done` in flight behind the next).
   */
  async function startChunk(
    events: AcceptedEvent[],
    priority: boolean,
  ): Promise<{ done: Promise<ChunkResult> }> {
    // Layer 2: ids this process stored and applied recently.
    const rest = events.filter((e) => !recent.has(e.event.event_id));
    const recentHits = events.length - rest.length;
    if (rest.length === 0) {
      return { done: Promise.resolve({ accepted: 0, recentHits, storeHits: 0, changed: [] }) };
    }

    // Layer 3: the store. A stored event is not written again but still goes to the engine,
    // whose idempotence (layer 4) decides: it may have been stored by a crashed run of ours or by
    // another instance's priority lane, and not be in this process's state yet.
    // chDB and a server work off the event loop, so each store call is started before the CPU
    // work that does not depend on it (the engine, snapshot building) and awaited after it.
    const storedLookup = store.storedEventIds(rest.map((e) => e.event));
    // Being written when the lookup starts: the lookup may not see them even if they land before
    // it answers, and they may have left `writing` by then.
    const writingAtLookup = new Set(
      rest.filter((e) => writing.has(e.event.event_id)).map((e) => e.event.event_id),
    );
    // Settled here so that a failure while it runs in the background is not unhandled.
    storedLookup.catch(() => undefined);
    const sellers = [...new Set(rest.map((e) => e.event.seller_id))];
    // A priority batch may concern sellers another instance owns: always read them afresh.
    const toRebuild = priority
      ? sellers
      : allHydrated
        ? []
        : sellers.filter((s) => !hydrated.has(s));
    if (toRebuild.length > 0) {
      await rebuildFromStore(toRebuild, { store, features });
      for (const s of toRebuild) hydrated.add(s);
    }

    // The engine may apply the chunk before it is stored: if a write below fails, the chunk is
    // neither snapshotted nor acknowledged, the source delivers it again, and the engine's
    // idempotence absorbs the second application.
    const applied = features.apply(rest);
    applied.catch(() => undefined);
    const stored = await storedLookup;
    const fresh = rest.filter(
      (e) =>
        !stored.has(e.event.event_id) &&
        !writingAtLookup.has(e.event.event_id) &&
        !writing.has(e.event.event_id),
    );
    let written: Promise<void> | undefined;
    if (fresh.length > 0) {
      for (const e of fresh) writing.add(e.event.event_id);
      written = store.writeEvents(fresh).finally(() => {
        for (const e of fresh) writing.delete(e.event.event_id);
      });
      written.catch(() => undefined);
    }
    let changed: Set<string>;
    try {
      changed = new Set(await applied);
    } catch (err) {
      await written?.catch(() => undefined);
      throw err;
    }
    // Every seller with an event here gets a snapshot at its latest event time, even when no
    // value moved: time-relative features (account age, days since the last takedown) do move,
    // the last snapshot of a seller is then the same however the events were batched, and an
    // already-stored event (a crash came between its run's events and snapshot writes) gets the
    // snapshot it may lack.
    for (const e of rest) changed.add(e.event.seller_id);
    const changedSellers = [...changed].sort();
    // Built while the events are being written; written only once they are stored.
    const snapshots = changedSellers.length > 0 ? features.snapshots(changedSellers, now()) : [];
    const done = finishChunk({
      rest,
      fresh,
      recentHits,
      written,
      changedSellers,
      snapshots,
      priority,
    });
    done.catch(() => undefined);
    return { done };
  }

  /** The rest of a chunk: its events stored, then its snapshots written and scored. */
  async function finishChunk(chunk: {
    rest: AcceptedEvent[];
    fresh: AcceptedEvent[];
    recentHits: number;
    written: Promise<void> | undefined;
    changedSellers: string[];
    snapshots: Snapshot[];
    priority: boolean;
  }): Promise<ChunkResult> {
    const { rest, fresh, recentHits, written, changedSellers, snapshots, priority } = chunk;
    if (written) {
      await written;
      storedChunks += 1;
      options.hooks?.afterEventsStored?.({ batch: storedChunks, stored: fresh.length });
    }
    if (changedSellers.length > 0) {
      // Written before the hook runs: a hook may read the sellers' latest features back from the
      // store (the default detector hook uses `snapshots` instead).
      await store.writeSnapshots(snapshots);
      await options.onChanged?.(changedSellers, { priority, snapshots });
    }
    // Only now is each event stored, applied and handed on: remember it as done.
    recent.addAll(rest.map((e) => e.event.event_id));
    for (const e of fresh) metrics.accepted(e.event.type);
    return {
      accepted: fresh.length,
      recentHits,
      storeHits: rest.length - fresh.length,
      changed: changedSellers,
    };
  }

  async function run(batch: RecordBatch): Promise<BatchResult> {
    const priority = batch.priority ?? false;
    const started = performance.now();
    try {
      const decoded = decodeBatch(batch.records, now());
      // Dead letters are handed over before the ack, so a crash cannot lose one (it may repeat).
      await deadLetters.write(decoded.rejects);
      const result: BatchResult = {
        accepted: 0,
        duplicates: decoded.batchDuplicates,
        rejected: decoded.rejects.length,
        changedSellers: [],
      };
      const changed = new Set<string>();
      let recentHits = 0;
      let storeHits = 0;
      const take = (r: ChunkResult) => {
        result.accepted += r.accepted;
        recentHits += r.recentHits;
        storeHits += r.storeHits;
        for (const s of r.changed) changed.add(s);
      };
      // A chunk's writes and detector pass overlap the next chunk's CPU part; at most one chunk
      // is finishing behind the one being applied. Everything settles before the ack or error.
      const finishing: Array<Promise<ChunkResult>> = [];
      try {
        for (let i = 0; i < decoded.events.length; i += batchSize) {
          const chunk = decoded.events.slice(i, i + batchSize);
          const { done } = await lock.run(priority, () => startChunk(chunk, priority));
          finishing.push(done);
          if (finishing.length > 1) take(await finishing.shift()!);
        }
        while (finishing.length > 0) take(await finishing.shift()!);
      } catch (err) {
        await Promise.allSettled(finishing);
        throw err;
      }
      await batch.ack();
      for (const reject of decoded.rejects) metrics.deadLetter(reject.code);
      metrics.duplicate('batch', decoded.batchDuplicates);
      metrics.duplicate('recent', recentHits);
      metrics.duplicate('store', storeHits);
      metrics.batch(priority ? 'priority' : 'main', (performance.now() - started) / 1000, true);
      result.duplicates += recentHits + storeHits;
      result.changedSellers = [...changed];
      if (decoded.rejects.length > 0) {
        log.warn({ rejected: decoded.rejects.length }, 'records sent to the dead letters');
      }
      return result;
    } catch (err) {
      metrics.batch(priority ? 'priority' : 'main', (performance.now() - started) / 1000, false);
      throw err;
    }
  }

  return {
    metrics,
    process(batch) {
      if (stopped) {
        return Promise.reject(
          new VigieError('INTERNAL', 'pipeline is stopping; batch not taken', { retriable: true }),
        );
      }
      const p = run(batch);
      inFlight.add(p);
      const done = () => inFlight.delete(p);
      p.then(done, done);
      return p;
    },
    async rebuild() {
      return lock.run(false, async () => {
        const started = performance.now();
        const read = await rebuildAllFromStore({ store, features });
        allHydrated = true;
        hydrated = new Set();
        log.info(
          { events: read, ms: Math.round(performance.now() - started) },
          'state rebuilt from the store',
        );
        return read;
      });
    },
    reassigned() {
      allHydrated = false;
      hydrated = new Set();
    },
    async stop() {
      stopped = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}
