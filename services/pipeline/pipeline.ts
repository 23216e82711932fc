import type { Logger } from 'pino';
import type { RecordBatch } from '../../streams/contract/index.ts';
import type { DeadLetterSink } from '../../streams/dead-letter/index.ts';
import { VigieError } from '../../streams/errors.ts';
import { decodeBatch, decodeBatchInSlices, yieldToEventLoop } from './decode-batch.ts';
import { createLaneLock } from './lane-lock.ts';
import { createPipelineMetrics, type PipelineMetrics, type PipelineStage } from './metrics.ts';
import { rebuildAllFromStore, rebuildFromStore } from './rebuild.ts';
import { createRecentIds } from './recent-ids.ts';
import type {
  AcceptedEvent,
  BatchResult,
  FeatureStage,
  Lane,
  OnChangedSellers,
  PipelineHooks,
  PipelineStore,
} from './types.ts';

/** What one chunk did, once its new events are stored. */
interface ChunkResult {
  /** Events past the recent-id cache (stored now or before). */
  rest: AcceptedEvent[];
  /** Events this chunk wrote. */
  fresh: AcceptedEvent[];
  recentHits: number;
}

export interface PipelineOptions<Snapshot = unknown> {
  store: PipelineStore<Snapshot>;
  features: FeatureStage<Snapshot>;
  deadLetters: DeadLetterSink;
  logger: Logger;
  onChanged?: OnChangedSellers<Snapshot>;
  /**
   * Whether `onChanged` may read the batch's snapshots back from the store. Default true: the
   * snapshots are written before the hook runs. False (a hook that works from the `snapshots` it
   * is handed, as the detector hook does): the write and the hook run at the same time, and the
   * batch is acknowledged once both are done.
   */
  onChangedReadsStore?: boolean;
  /**
   * With `onChangedReadsStore` false: whether the hook awaits `context.stored` before emitting
   * anything. Then it is called as soon as the batch's snapshots are built (and the previous
   * batch's hook returned), while the last events are still being written, so that its reads
   * (scoring, flag state) are not one more round trip after them. Default false.
   */
  onChangedAwaitsStored?: boolean;
  metrics?: PipelineMetrics;
  /** Most events handed to the store at once (a chunk). Default 5,000. */
  batchSize?: number;
  /**
   * Most events in a main-lane chunk started while a priority batch is in the pipeline (at most
   * `batchSize`): the notice's lock wait and each of its I/O completions then wait for a chunk
   * this size at most, the smaller statements costing only while notices are in hand. Default
   * 1,000.
   */
  priorityChunk?: number;
  /**
   * Sellers per snapshot slice (at most `batchSize`): each slice is built under the lane lock, and
   * the event loop is given back between two. Default 1,000.
   */
  snapshotSlice?: number;
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
  /**
   * Drops what the pipeline holds of these sellers (after an erasure): the features' state and
   * the store adapter's remembered rows. Their next event rebuilds them from the store.
   */
  forget(sellerIds: readonly string[]): void;
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
  const snapshotSlice = Math.max(1, Math.min(options.snapshotSlice ?? 1_000, batchSize));
  const priorityChunk = Math.max(1, Math.min(options.priorityChunk ?? 1_000, batchSize));
  /** Priority batches between `process` and their end (ack or error). */
  let prioritiesInHand = 0;
  const readsStore = options.onChangedReadsStore ?? true;
  const early = !readsStore && options.onChanged !== undefined && options.onChangedAwaitsStored;
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
   * Per lane, settled once the latest batch's CPU part (its chunks applied, its snapshots built)
   * is done. A batch's CPU part starts only after the previous batch's of its lane, so that two
   * batches in flight (a source may hand the next one over before the previous is acknowledged)
   * give the same snapshots, in the same order, as one at a time; only their writes overlap.
   */
  const cpuTail = { main: Promise.resolve(), priority: Promise.resolve() };
  /**
   * Per lane, settled once the latest batch's snapshots are written and its `onChanged` returned
   * (or it failed). A batch writes its snapshots and runs `onChanged` only after the previous
   * batch of its lane did: a hook that reads the store sees what it would one batch at a time.
   */
  const hookTail = { main: Promise.resolve(), priority: Promise.resolve() };

  /**
   * A chunk's CPU part, run under the lane lock: dedup, lookups, the engine. Its events write goes
   * on in `done`, outside the lock, so that the next chunk's CPU part overlaps it (`run` keeps at
   * most one chunk's `done` in flight behind the next). Returns the sellers to snapshot: every
   * seller with an event here and those the engine touched across; `run` snapshots them once.
   */
  async function startChunk(
    events: AcceptedEvent[],
    priority: boolean,
    clock: StageClock,
  ): Promise<{ changed: Set<string>; done: Promise<ChunkResult> }> {
    // Layer 2: ids this process stored and applied recently.
    const rest = events.filter((e) => !recent.has(e.event.event_id));
    const recentHits = events.length - rest.length;
    if (rest.length === 0) {
      return { changed: new Set(), done: Promise.resolve({ rest, fresh: [], recentHits }) };
    }

    // Layer 3: the store. A stored event is not written again but still goes to the engine,
    // whose idempotence (layer 4) decides: it may have been stored by a crashed run of ours or by
    // another instance's priority lane, and not be in this process's state yet.
    // chDB and a server work off the event loop, so each store call is started before the CPU
    // work that does not depend on it (the engine) and awaited after it.
    const lane: Lane = priority ? 'priority' : 'main';
    const storedLookup = store.storedEventIds(
      rest.map((e) => e.event),
      lane,
    );
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
      const rebuildStarted = performance.now();
      await rebuildFromStore(toRebuild, { store, features, lane });
      for (const s of toRebuild) hydrated.add(s);
      clock.add('rebuild', rebuildStarted);
    }

    // The engine may apply the chunk before it is stored: if a write below fails, the run is
    // neither snapshotted nor acknowledged, the source delivers it again, and the engine's
    // idempotence absorbs the second application.
    const engineStarted = performance.now();
    let engineEnded: number | undefined;
    const applied = features.apply(rest);
    applied.then(
      () => (engineEnded = performance.now()),
      () => undefined,
    );
    const stored = await storedLookup;
    // The engine's work runs while the lookup is awaited; what is left after it is the wait.
    const lookedUp = performance.now();
    const fresh = rest.filter(
      (e) =>
        !stored.has(e.event.event_id) &&
        !writingAtLookup.has(e.event.event_id) &&
        !writing.has(e.event.event_id),
    );
    let written: Promise<void> | undefined;
    if (fresh.length > 0) {
      for (const e of fresh) writing.add(e.event.event_id);
      written = store.writeEvents(fresh, lane).finally(() => {
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
    const engineEnd = engineEnded ?? performance.now();
    clock.add('engine', engineStarted, engineEnd);
    clock.add('lookup_wait', Math.min(engineEnd, lookedUp), lookedUp);
    // Every seller with an event here gets a snapshot at its latest event time, even when no
    // value moved: time-relative features (account age, days since the last takedown) do move,
    // the last snapshot of a seller is then the same however the events were batched, and an
    // already-stored event (a crash came between its run's events and snapshot writes) gets the
    // snapshot it may lack.
    for (const e of rest) changed.add(e.event.seller_id);
    const done = (async (): Promise<ChunkResult> => {
      if (written) {
        await written;
        storedChunks += 1;
        options.hooks?.afterEventsStored?.({ batch: storedChunks, stored: fresh.length });
        for (const e of fresh) metrics.accepted(e.event.type);
      }
      return { rest, fresh, recentHits };
    })();
    done.catch(() => undefined);
    return { changed, done };
  }

  /** `runBatch`, counting the priority batches in hand (called at once: the order is kept). */
  async function run(batch: RecordBatch): Promise<BatchResult> {
    if (!batch.priority) return runBatch(batch);
    prioritiesInHand += 1;
    try {
      return await runBatch(batch);
    } finally {
      prioritiesInHand -= 1;
    }
  }

  async function runBatch(batch: RecordBatch): Promise<BatchResult> {
    const priority = batch.priority ?? false;
    const started = performance.now();
    // Taken before any await, so that batches keep the order in which they were handed over.
    const lane: Lane = priority ? 'priority' : 'main';
    const previous = cpuTail[lane];
    let cpuDone!: () => void;
    cpuTail[lane] = new Promise<void>((resolve) => (cpuDone = resolve));
    const previousHook = hookTail[lane];
    let hookDone!: () => void;
    hookTail[lane] = new Promise<void>((resolve) => (hookDone = resolve));
    const clock = stageClock();
    try {
      const decodeStarted = performance.now();
      // A run larger than a chunk is decoded a chunk's worth at a time, the event loop given back
      // in between, so that a priority batch's fetch and decode need not wait for all of it.
      const decoded =
        batch.records.length > batchSize
          ? await decodeBatchInSlices(batch.records, now(), batchSize)
          : decodeBatch(batch.records, now());
      clock.add('decode', decodeStarted);
      // Dead letters are handed over before the ack, so a crash cannot lose one (it may repeat).
      if (decoded.rejects.length > 0) {
        const lettersStarted = performance.now();
        await deadLetters.write(decoded.rejects);
        clock.add('dead_letters', lettersStarted);
      }
      const result: BatchResult = {
        accepted: 0,
        duplicates: decoded.batchDuplicates,
        rejected: decoded.rejects.length,
        changedSellers: [],
      };
      const changed = new Set<string>();
      const done: ChunkResult[] = [];
      // A chunk's events write overlaps the next chunk's CPU part; at most one chunk is
      // finishing behind the one being applied. Everything settles before the ack or error.
      const finishing: Array<Promise<ChunkResult>> = [];
      const snapshots: Snapshot[] = [];
      /** `fn` under the lane lock, the wait for it counted as `lock_wait`. */
      const locked = <T>(fn: () => Promise<T>): Promise<T> => {
        const asked = performance.now();
        return lock.run(priority, () => {
          clock.add('lock_wait', asked);
          return fn();
        });
      };
      let hooked: Promise<void> | undefined;
      let snapshotsWritten: Promise<void> | undefined;
      try {
        const orderStarted = performance.now();
        await previous;
        clock.add('order_wait', orderStarted);
        for (let i = 0; i < decoded.events.length;) {
          // Sized when it starts: smaller while a notice is in hand (`priorityChunk`).
          const size = !priority && prioritiesInHand > 0 ? priorityChunk : batchSize;
          const chunk = decoded.events.slice(i, i + size);
          i += size;
          const started = await locked(() => startChunk(chunk, priority, clock));
          for (const s of started.changed) changed.add(s);
          finishing.push(started.done);
          if (finishing.length > 1) {
            const waitStarted = performance.now();
            done.push(await finishing.shift()!);
            clock.add('chunk_write_wait', waitStarted);
          }
        }
        // One snapshot per changed seller per run, not per chunk: a seller with events in
        // several chunks is derived, written and scored once, from its state after all of them.
        // Built while the last chunk's events are being written; written once they are stored.
        // Built `snapshotSlice` sellers per hold of the lane lock, the event loop given back in
        // between: a priority batch waits for at most one such slice, not for a whole large
        // run's snapshots (a priority batch applied in between is then in the later slices'
        // snapshots, as in those of chunks after it), and its I/O completions run meanwhile.
        if (changed.size > 0) {
          const sellers = [...changed].sort();
          const computedAt = now();
          for (let i = 0; i < sellers.length; i += snapshotSlice) {
            if (i > 0) await yieldToEventLoop();
            const slice = sellers.slice(i, i + snapshotSlice);
            const built = await locked(async () => {
              const snapshotsStarted = performance.now();
              const rows = features.snapshots(slice, computedAt);
              clock.add('snapshots', snapshotsStarted);
              return rows;
            });
            for (const row of built) snapshots.push(row);
          }
        }
        cpuDone();
        batch.taken?.();
        if (early && changed.size > 0) {
          // The hook reads (scores, looks flag states up) while the events are written, and
          // awaits `stored` before it emits: after the previous batch's hook, as always. The
          // snapshots are written once the events are, and `stored` settles after both, so
          // whoever gets a flag finds the seller's features that raised it in the store.
          snapshotsWritten = Promise.all(finishing).then(() =>
            store.writeSnapshots(snapshots, lane),
          );
          snapshotsWritten.catch(() => undefined);
          const orderStarted = performance.now();
          await previousHook;
          clock.add('order_wait', orderStarted);
          const hookStarted = performance.now();
          hooked = options.onChanged!([...changed].sort(), {
            priority,
            snapshots,
            stored: snapshotsWritten,
          });
          hooked.catch(() => undefined);
          // The hook's synchronous start (before its first await) runs on this turn.
          clock.add('hook_start', hookStarted);
        }
        const waitStarted = performance.now();
        while (finishing.length > 0) done.push(await finishing.shift()!);
        clock.add('events_write_wait', waitStarted);
      } catch (err) {
        await Promise.allSettled(finishing);
        await snapshotsWritten?.catch(() => undefined);
        await hooked?.catch(() => undefined);
        throw err;
      }
      const changedSellers = [...changed].sort();
      const orderStarted = performance.now();
      await previousHook;
      clock.add('order_wait', orderStarted);
      if (hooked !== undefined) {
        // Events stored: the snapshots are being written while the hook finishes.
        const bothStarted = performance.now();
        await Promise.all([snapshotsWritten, hooked]);
        clock.add('snapshot_write_hook', bothStarted);
      } else if (changedSellers.length > 0) {
        if (readsStore || !options.onChanged) {
          // Written before the hook runs: the hook may read the sellers' latest features back.
          const writeStarted = performance.now();
          await store.writeSnapshots(snapshots, lane);
          clock.add('snapshot_write', writeStarted);
          if (options.onChanged) {
            const hookStarted = performance.now();
            await options.onChanged(changedSellers, { priority, snapshots });
            clock.add('hook', hookStarted);
          }
        } else {
          // The hook scores the snapshots it is handed: the write need not come first. A failure
          // of either fails the batch, which comes again; its flags keep their ids.
          const written = store.writeSnapshots(snapshots, lane);
          written.catch(() => undefined);
          const hooked = options.onChanged(changedSellers, { priority, snapshots });
          hooked.catch(() => undefined);
          const bothStarted = performance.now();
          await Promise.all([written, hooked]);
          clock.add('snapshot_write_hook', bothStarted);
        }
      }
      hookDone();
      // Only now is each event stored, applied, snapshotted and handed on: remember it as done.
      let recentHits = 0;
      let storeHits = 0;
      for (const r of done) {
        recent.addAll(r.rest.map((e) => e.event.event_id));
        result.accepted += r.fresh.length;
        recentHits += r.recentHits;
        storeHits += r.rest.length - r.fresh.length;
      }
      const ackStarted = performance.now();
      await batch.ack();
      clock.add('ack', ackStarted);
      clock.record(metrics, priority ? 'priority' : 'main');
      for (const reject of decoded.rejects) metrics.deadLetter(reject.code);
      metrics.duplicate('batch', decoded.batchDuplicates);
      metrics.duplicate('recent', recentHits);
      metrics.duplicate('store', storeHits);
      metrics.batch(priority ? 'priority' : 'main', (performance.now() - started) / 1000, true);
      result.duplicates += recentHits + storeHits;
      result.changedSellers = changedSellers;
      if (decoded.rejects.length > 0) {
        log.warn({ rejected: decoded.rejects.length }, 'records sent to the dead letters');
      }
      return result;
    } catch (err) {
      cpuDone();
      // After the previous batch's hook, so that the next batch's cannot overtake it.
      void previousHook.then(hookDone);
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
      store.forget?.();
    },
    forget(sellerIds) {
      features.forget?.(sellerIds);
      store.forget?.(sellerIds);
      for (const id of sellerIds) hydrated.delete(id);
    },
    async stop() {
      stopped = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

interface StageClock {
  /** Adds `to - from` ms (default: until now) to `stage`. */
  add(stage: PipelineStage, from: number, to?: number): void;
  /** Records the batch's stages, each once, in the metrics. */
  record(metrics: PipelineMetrics, lane: 'main' | 'priority'): void;
}

function stageClock(): StageClock {
  const ms = new Map<PipelineStage, number>();
  return {
    add(stage, from, to = performance.now()) {
      ms.set(stage, (ms.get(stage) ?? 0) + Math.max(0, to - from));
    },
    record(metrics, lane) {
      for (const [stage, total] of ms) metrics.stage(lane, stage, total / 1000);
    },
  };
}
