/**
 * Latency of POST /v1/listings/check on a store with many taken-down listings.
 *
 *   npx tsx services/app/check-latency.ts [takenDown=10000] [requests=1000]
 *
 * Fills a fresh chDB store (temporary directory) with `takenDown` published-then-taken-down
 * listings and as many live ones, loads the API over createApiDeps, and sends `requests` checks
 * (half obfuscated re-lists of a random taken-down listing, half new texts), one at a time,
 * through Fastify (`inject`) and over a real socket. Prints one JSON line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  createExecutor,
  createStore,
  toEventRow,
  type EventRow,
} from '../../features/store/index.ts';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import { createApi, createKey, loadApiConfig, startApiServer } from '../api/index.ts';
import { normaliseText } from '../../features/text/index.ts';
import { createApiDeps } from './api-deps.ts';
import { CHECK_THRESHOLDS } from './listing-check.ts';
import { mulberry32 } from '../../features/prng.ts';

const WORDS = (
  'montre acier cuir sac robe veste chaussure basket vélo casque lampe table chaise jouet ' +
  'poupée figurine parfum crème sérum téléphone coque chargeur câble écouteur enceinte ' +
  'console manette jeu livre disque vinyle affiche cadre bijou bague collier bracelet ' +
  'lunettes montre automatique quartz vintage neuf occasion rare édition limitée collector ' +
  'original authentique garanti boîte facture noir blanc rouge bleu vert rose or argent ' +
  'grand petit moyen léger solide pratique élégant moderne ancien artisanal fait main'
).split(' ');

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0' };
const CYRILLIC: Record<string, string> = { a: 'а', c: 'с', e: 'е', o: 'о', p: 'р' };

/** Disguises each word: leet inside it, Cyrillic look-alikes, or letters spaced with dots. */
function obfuscate(text: string, r: () => number): string {
  return text
    .split(' ')
    .map((word) => {
      const x = r();
      if (x < 0.3 && word.length > 2) {
        const inner = [...word.slice(1, -1)].map((c) => LEET[c] ?? c).join('');
        return `${word[0]}${inner}${word[word.length - 1]}`;
      }
      if (x < 0.6) return [...word].map((c) => CYRILLIC[c] ?? c).join('');
      if (x < 0.7) return [...word].join('.');
      return word;
    })
    .join(' ');
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const takenDown = Number(process.argv[2] ?? 10_000);
  const requests = Number(process.argv[3] ?? 1_000);
  const r = mulberry32(42);
  const words = (n: number) =>
    Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
  const dataDir = await mkdtemp(join(tmpdir(), 'vigie-check-latency-'));
  const logger = pino({ level: 'warn' });
  const executor = await createExecutor({ dataDir, database: 'bench' });
  try {
    const store = createStore({ executor, logger, textTtlDays: 3650 });
    await store.migrate();
    const t0 = Date.parse('2026-01-05T00:00:00Z');
    const texts: Array<{ title: string; description: string }> = [];
    const rows: EventRow[] = [];
    const add = (event: MarketplaceEvent, i: number) =>
      rows.push(
        toEventRow(event, {
          raw: JSON.stringify(event),
          origin: { kind: 'file', file: 'bench', line: i },
          receivedAt: t0 + i,
        }),
      );
    for (let i = 0; i < 2 * takenDown; i += 1) {
      const seller = `seller-${i % 5_000}`;
      const title = words(6);
      const description = words(18);
      const at = new Date(t0 + i * 60_000).toISOString();
      const listing = `listing-${i}`;
      add(
        {
          event_id: `p-${i}`,
          type: 'listing.published',
          seller_id: seller,
          occurred_at: at,
          listing_id: listing,
          title,
          description,
          category: 'misc/bench',
          price: { amount: 10, currency: 'EUR' },
        },
        i,
      );
      if (i % 2 === 0) {
        texts.push({ title, description });
        add(
          {
            event_id: `t-${i}`,
            type: 'listing.taken_down',
            seller_id: seller,
            occurred_at: new Date(t0 + i * 60_000 + 3_600_000).toISOString(),
            listing_id: listing,
            decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
            category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
            source_type: 'SOURCE_ARTICLE_16',
            automated_detection: false,
          },
          i,
        );
      }
    }
    await store.events.insert(rows);
    await store.flush();

    const keysFile = join(dataDir, 'api-keys.json');
    const { secret } = await createKey(keysFile, 'bench', 'platform');
    const loadStarted = performance.now();
    const deps = await createApiDeps({
      executor,
      store,
      logger,
      config: loadApiConfig({ VIGIE_CHECK_REFRESH_S: '86400' }),
      keysFile,
    });
    const loadMs = performance.now() - loadStarted;
    const app = await createApi(deps);
    const bodies = Array.from({ length: requests }, (_, i) => {
      const source = texts[Math.floor(r() * texts.length)]!;
      const listing =
        i % 2 === 0
          ? { title: obfuscate(source.title, r), description: source.description }
          : { title: words(6), description: words(18) };
      return JSON.stringify({ seller_id: `seller-${Math.floor(r() * 6_000)}`, listing });
    });
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    // Warm-up: JIT, chDB caches.
    for (const payload of bodies.slice(0, 50)) {
      await app.inject({ method: 'POST', url: '/v1/listings/check', headers, payload });
    }
    const inject: number[] = [];
    const internal: number[] = [];
    const held = { relists: 0, new_texts: 0 };
    for (const [i, payload] of bodies.entries()) {
      const started = performance.now();
      const res = await app.inject({ method: 'POST', url: '/v1/listings/check', headers, payload });
      inject.push(performance.now() - started);
      const answer = res.json() as { action: string; elapsed_ms: number };
      internal.push(answer.elapsed_ms);
      if (answer.action === 'hold') held[i % 2 === 0 ? 'relists' : 'new_texts'] += 1;
    }
    // The in-memory part alone: normalisation, MinHash, LSH and image look-ups.
    const memory: number[] = [];
    for (const payload of bodies) {
      const { listing } = JSON.parse(payload) as {
        listing: { title: string; description: string };
      };
      const started = performance.now();
      const sig = deps.takedowns.hasher.signature(
        normaliseText(`${listing.title}\n${listing.description}`),
      );
      deps.takedowns.match(sig, [], {
        minSimilarity: CHECK_THRESHOLDS.reportSimilarity,
        limit: CHECK_THRESHOLDS.nearestLimit,
      });
      memory.push(performance.now() - started);
    }
    const server = await startApiServer({ deps, port: 0 });
    const socket: number[] = [];
    for (const payload of bodies) {
      const started = performance.now();
      const res = await fetch(`${server.url}/v1/listings/check`, {
        method: 'POST',
        headers,
        body: payload,
      });
      await res.arrayBuffer();
      socket.push(performance.now() - started);
    }
    await server.close();
    await app.close();
    await deps.close();
    const summary = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return {
        p50: round(percentile(s, 50)),
        p99: round(percentile(s, 99)),
        max: round(s[s.length - 1]!),
      };
    };
    process.stdout.write(
      `${JSON.stringify({
        taken_down_listings: texts.length,
        indexed_versions: deps.takedowns.size,
        index_load_ms: Math.round(loadMs),
        requests,
        held,
        ms_text_match: summary(memory),
        ms_inside: summary(internal),
        ms_inject: summary(inject),
        ms_socket: summary(socket),
      })}\n`,
    );
  } finally {
    await executor.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
