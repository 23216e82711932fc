import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRecord, MarketplaceEventSchema } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import {
  CODED_LEXICON,
  ILLICIT_FAMILIES,
  SELLER_CLASSES,
  SimulationTruthSchema,
  simulateMarketplace,
  type SellerClass,
  type SimulationOptionsInput,
  type SimulationSummary,
  type SimulationTruth,
} from './index.ts';

// An independent reading of look-alike letters and zero-width characters (Unicode UTS 39 data),
// so the check does not rely on the simulator's own tables. The package ships no types.
const { rectifyConfusion } = createRequire(import.meta.url)('unicode-confusables') as {
  rectifyConfusion: (text: string) => string;
};

type Ev = Record<string, unknown> & {
  event_id: string;
  type: string;
  occurred_at: string;
  seller_id: string;
};

interface Run {
  lines: string[];
  events: Ev[];
  truth: SimulationTruth;
  summary: SimulationSummary;
}

function run(options: SimulationOptionsInput): Run {
  const sim = simulateMarketplace(options);
  const lines = [...sim.events];
  const events: Ev[] = [];
  for (const line of lines) {
    const decoded = decodeRecord(line);
    if (decoded.ok) events.push(JSON.parse(line) as Ev);
  }
  return { lines, events, truth: sim.truth, summary: sim.summary() };
}

function sha256(lines: Iterable<string>): string {
  const h = createHash('sha256');
  for (const line of lines) h.update(`${line}\n`);
  return h.digest('hex');
}

const ms = (iso: string): number => Date.parse(iso);

function bySeller(events: Ev[]): Map<string, Ev[]> {
  const out = new Map<string, Ev[]>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.event_id)) continue;
    seen.add(e.event_id);
    const list = out.get(e.seller_id) ?? [];
    list.push(e);
    out.set(e.seller_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => ms(a.occurred_at) - ms(b.occurred_at));
  return out;
}

function sellersOf(truth: SimulationTruth, cls: SellerClass): string[] {
  return Object.entries(truth.sellers)
    .filter(([, s]) => s.class === cls)
    .map(([id]) => id);
}

const LEET: Record<string, string> = {
  '4': 'a',
  '@': 'a',
  '3': 'e',
  '1': 'i',
  '0': 'o',
  '5': 's',
  $: 's',
  '7': 't',
};
const SYNONYMS: Array<[string, string]> = [];

/** A skeleton that survives the evasions: look-alikes, leet, separators, accents, synonyms. */
function skeleton(text: string): string {
  let s = text.replace(/[\u200b-\u200d\u2060\ufeff]/g, '');
  s = s.replace(/[4@3105$7]/g, (c) => LEET[c] ?? c);
  s = rectifyConfusion(s)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} ]/gu, '');
  s = ` ${s.replace(/\s+/g, ' ').trim()} `;
  for (const [synonym, word] of SYNONYMS) s = s.split(` ${synonym} `).join(` ${word} `);
  return s.replace(/ /g, '');
}

beforeAll(() => {
  const canon = (t: string): string =>
    rectifyConfusion(t.replace(/[4@3105$7]/g, (c) => LEET[c] ?? c))
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase();
  for (const family of Object.values(ILLICIT_FAMILIES)) {
    for (const [word, options] of Object.entries(family.synonyms)) {
      for (const o of options) SYNONYMS.push([canon(o), canon(word)]);
    }
  }
});

const BASE = { sellers: 500, days: 30, seed: 'unit-tests' } as const;

describe('simulateMarketplace', () => {
  let messy: Run;
  let clean: Run;
  beforeAll(() => {
    messy = run({ ...BASE, mess: { oversize: true } });
    clean = run({ ...BASE, mess: false });
  });

  it('emits only contract-valid events besides the counted malformed lines', () => {
    expect(messy.events.length).toBeGreaterThan(20_000);
    for (const e of messy.events) expect(MarketplaceEventSchema.safeParse(e).success).toBe(true);
    const codes: Record<string, number> = {};
    for (const line of messy.lines) {
      const d = decodeRecord(line);
      if (!d.ok) codes[d.code] = (codes[d.code] ?? 0) + 1;
    }
    const m = messy.summary.malformed;
    expect(codes.INVALID_JSON ?? 0).toBe(m.invalid_json);
    expect(codes.SCHEMA_VIOLATION ?? 0).toBe(m.missing_field + m.bad_timestamp + m.bad_value);
    expect(codes.OVERSIZE_RECORD ?? 0).toBe(1);
    expect(m.oversize).toBe(1);
    expect(messy.summary.malformedTotal).toBeGreaterThan(0);
    expect(messy.lines.length).toBe(messy.summary.lines);
  });

  it('a clean stream is all valid, unique and in event-time order', () => {
    expect(clean.events.length).toBe(clean.lines.length);
    expect(new Set(clean.events.map((e) => e.event_id)).size).toBe(clean.events.length);
    for (let i = 1; i < clean.events.length; i++) {
      expect(ms(clean.events[i]!.occurred_at)).toBeGreaterThanOrEqual(
        ms(clean.events[i - 1]!.occurred_at),
      );
    }
    expect(clean.summary.duplicates + clean.summary.outOfOrder + clean.summary.malformedTotal).toBe(
      0,
    );
  });

  it('counts its duplicates and late events, late by at most the 5-minute window', () => {
    const seen = new Map<string, string>();
    let duplicates = 0;
    let late = 0;
    let maxLate = 0;
    let maxAt = Number.NEGATIVE_INFINITY;
    for (const line of messy.lines) {
      if (!decodeRecord(line).ok) continue;
      const e = JSON.parse(line) as Ev;
      const first = seen.get(e.event_id);
      if (first !== undefined) {
        duplicates++;
        expect(line).toBe(first);
      } else seen.set(e.event_id, line);
      const at = ms(e.occurred_at);
      if (at < maxAt) {
        late++;
        maxLate = Math.max(maxLate, maxAt - at);
      } else maxAt = at;
    }
    expect(duplicates).toBe(messy.summary.duplicates);
    expect(late).toBe(messy.summary.outOfOrder);
    expect(maxLate).toBe(messy.summary.maxLatenessMs);
    expect(maxLate).toBeLessThanOrEqual(300_000);
    expect(late).toBeGreaterThan(0);
    // ~1 % duplicates by default.
    const share = duplicates / messy.summary.events;
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.02);
    // The clean run is the same stream without the mess.
    expect(seen.size).toBe(clean.events.length);
  });

  it('is deterministic: same options, byte-identical output; another seed, another stream', () => {
    const options = { sellers: 120, days: 14, seed: 42 };
    const a = simulateMarketplace(options);
    const b = simulateMarketplace(options);
    expect(sha256(a.events)).toBe(sha256(b.events));
    expect(sha256(a.events)).toBe(sha256(a.events));
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    expect(sha256(simulateMarketplace({ ...options, seed: 43 }).events)).not.toBe(sha256(a.events));
  });

  it('casts the populations in their shares, and the truth names every seller in the stream', () => {
    expect(SimulationTruthSchema.safeParse(messy.truth).success).toBe(true);
    const n = BASE.sellers;
    const expected: Record<SellerClass, number> = {
      ordinary: 0.7,
      honest_unlucky: 0.08,
      large_professional: 0.05,
      recidivist: 0.05 + 0.04, // terminated accounts of ban evaders play recidivists
      evader: 0.05,
      ban_evader: 0.04,
      drifter: 0.03,
    };
    for (const c of SELLER_CLASSES) {
      expect(Math.abs(messy.truth.counts[c] / n - expected[c])).toBeLessThanOrEqual(2 / n);
      expect(sellersOf(messy.truth, c).length).toBe(messy.truth.counts[c]);
    }
    const registered = new Set(
      messy.events.filter((e) => e.type === 'seller.registered').map((e) => e.seller_id),
    );
    expect(registered).toEqual(new Set(Object.keys(messy.truth.sellers)));
    for (const e of messy.events) expect(messy.truth.sellers[e.seller_id]).toBeDefined();

    const custom = simulateMarketplace({
      sellers: 1000,
      days: 7,
      seed: 1,
      shares: { evader: 0.2, drifter: 0 },
    });
    expect(custom.truth.counts.evader).toBe(200);
    expect(custom.truth.counts.drifter).toBe(0);
    expect(custom.truth.counts.ordinary).toBe(1000 - 200 - 80 - 50 - 50 - 40);
  });

  it('gives honest sellers the takedowns their class implies', () => {
    const sellers = bySeller(messy.events);
    const takedowns = (id: string) =>
      (sellers.get(id) ?? []).filter((e) => e.type === 'listing.taken_down');
    for (const id of sellersOf(messy.truth, 'ordinary')) expect(takedowns(id)).toHaveLength(0);
    for (const id of sellersOf(messy.truth, 'honest_unlucky'))
      expect(takedowns(id)).toHaveLength(1);
    const grounds = sellersOf(messy.truth, 'honest_unlucky').map(
      (id) => takedowns(id)[0]!.decision_ground,
    );
    expect(
      grounds.filter((g) => g === 'DECISION_GROUND_INCOMPATIBLE_CONTENT').length,
    ).toBeGreaterThan(grounds.length / 2);
    for (const id of sellersOf(messy.truth, 'large_professional')) {
      const published = (sellers.get(id) ?? []).filter((e) => e.type === 'listing.published');
      expect(published.length).toBeGreaterThanOrEqual(300);
      expect(takedowns(id).length).toBeGreaterThanOrEqual(2);
      expect(takedowns(id).length).toBeLessThanOrEqual(4);
    }
    // Ordinary sellers get the odd notice that leads nowhere.
    const idle = sellersOf(messy.truth, 'ordinary').filter((id) =>
      (sellers.get(id) ?? []).some((e) => e.type === 'notice.received'),
    );
    expect(idle.length).toBeGreaterThan(0);
  });

  it('recidivists collect illegal-ground takedowns across DSA categories, then warning and suspension', () => {
    const sellers = bySeller(messy.events);
    const categories = new Set<unknown>();
    for (const id of sellersOf(messy.truth, 'recidivist')) {
      const events = sellers.get(id) ?? [];
      const takedowns = events.filter((e) => e.type === 'listing.taken_down');
      expect(takedowns.length).toBeGreaterThanOrEqual(1);
      for (const t of takedowns) {
        expect(t.decision_ground).toBe('DECISION_GROUND_ILLEGAL_CONTENT');
        categories.add(t.category);
      }
      const actions = events.filter((e) => e.type === 'seller.sanctioned').map((e) => e.action);
      const w = actions.indexOf('warning');
      const s = actions.indexOf('suspension');
      if (s >= 0) expect(w).toBeGreaterThanOrEqual(0);
      if (s >= 0) expect(w).toBeLessThan(s);
    }
    const repeated = sellersOf(messy.truth, 'recidivist').filter(
      (id) => (sellers.get(id) ?? []).filter((e) => e.type === 'listing.taken_down').length >= 3,
    );
    expect(repeated.length).toBeGreaterThan(sellersOf(messy.truth, 'recidivist').length / 2);
    expect(categories).toContain('STATEMENT_CATEGORY_PROTECTION_OF_MINORS');
    expect(categories).toContain('STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS');
    expect(categories.size).toBeGreaterThanOrEqual(4);
  });

  it('takedowns follow their notice, with the source type of the notifier', () => {
    const notices = new Map<string, Ev>();
    for (const e of clean.events)
      if (e.type === 'notice.received') notices.set(e.notice_id as string, e);
    const source = {
      trusted_flagger: 'SOURCE_TRUSTED_FLAGGER',
      user: 'SOURCE_ARTICLE_16',
      authority: 'SOURCE_TYPE_OTHER_NOTIFICATION',
    };
    const kinds = new Set<unknown>();
    for (const t of clean.events.filter((e) => e.type === 'listing.taken_down')) {
      kinds.add(t.source_type);
      if (t.notice_id === undefined) {
        expect(t.source_type).toBe('SOURCE_VOLUNTARY');
        continue;
      }
      const n = notices.get(t.notice_id as string);
      expect(n).toBeDefined();
      expect(n!.listing_id).toBe(t.listing_id);
      expect(ms(n!.occurred_at)).toBeLessThanOrEqual(ms(t.occurred_at));
      expect(t.source_type).toBe(source[n!.notifier_type as keyof typeof source]);
    }
    expect(kinds).toEqual(
      new Set([
        'SOURCE_TRUSTED_FLAGGER',
        'SOURCE_ARTICLE_16',
        'SOURCE_TYPE_OTHER_NOTIFICATION',
        'SOURCE_VOLUNTARY',
      ]),
    );
  });

  it("evaders' comebacks are obfuscated variants of their taken-down titles", () => {
    const sellers = bySeller(clean.events);
    let variants = 0;
    let deletedAfterNotice = 0;
    for (const id of sellersOf(clean.truth, 'evader')) {
      const events = sellers.get(id) ?? [];
      const titles = new Map<unknown, string>();
      const takenDown: Array<{ at: number; title: string }> = [];
      const noticed = new Map<unknown, number>();
      let own = 0;
      for (const e of events) {
        if (typeof e.title === 'string') titles.set(e.listing_id, e.title);
        if (e.type === 'notice.received') noticed.set(e.listing_id, ms(e.occurred_at));
        if (
          e.type === 'listing.withdrawn' &&
          e.reason === 'seller_deleted' &&
          noticed.has(e.listing_id)
        ) {
          if (ms(e.occurred_at) - noticed.get(e.listing_id)! <= 3_600_000) deletedAfterNotice++;
        }
        if (
          e.type === 'listing.taken_down' ||
          (e.type === 'listing.withdrawn' && noticed.has(e.listing_id))
        ) {
          takenDown.push({ at: ms(e.occurred_at), title: titles.get(e.listing_id)! });
          continue;
        }
        if (typeof e.title !== 'string') continue;
        const at = ms(e.occurred_at);
        const match = takenDown.find(
          (t) =>
            t.at <= at && t.title !== e.title && skeleton(t.title) === skeleton(e.title as string),
        );
        if (match !== undefined) own++;
      }
      expect(own, `seller ${id} has no disguised comeback`).toBeGreaterThan(0);
      variants += own;
    }
    expect(variants).toBeGreaterThan(sellersOf(clean.truth, 'evader').length);
    expect(deletedAfterNotice).toBeGreaterThan(0);
  });

  it('ban evaders come back under a new id sharing an identifier with their terminated account', () => {
    const sellers = bySeller(clean.events);
    const ids = sellersOf(clean.truth, 'ban_evader');
    expect(ids.length).toBe(Math.round(BASE.sellers * 0.04));
    for (const id of ids) {
      const entry = clean.truth.sellers[id]!;
      const oldId = entry.evaded_from!;
      expect(clean.truth.sellers[oldId]?.returned_as).toBe(id);
      const old = sellers.get(oldId) ?? [];
      const fresh = sellers.get(id) ?? [];
      const termination = old.find(
        (e) => e.type === 'seller.sanctioned' && e.action === 'termination',
      );
      expect(termination).toBeDefined();
      expect(
        old.some(
          (e) =>
            e.type === 'listing.taken_down' && ms(e.occurred_at) < ms(termination!.occurred_at),
        ),
      ).toBe(true);
      const oldIds = old.find((e) => e.type === 'seller.registered')!.identifiers as Record<
        string,
        string
      >;
      const newReg = fresh.find((e) => e.type === 'seller.registered')!;
      expect(ms(newReg.occurred_at)).toBeGreaterThan(ms(termination!.occurred_at));
      const newIds = newReg.identifiers as Record<string, string>;
      const shared = (['device_hash', 'payout_hash'] as const).filter(
        (k) => newIds[k] !== undefined && newIds[k] === oldIds[k],
      );
      expect(shared.length).toBeGreaterThan(0);
      expect(shared).toEqual(entry.shared_identifiers);
      expect(newIds.email_hash).not.toBe(oldIds.email_hash ?? '-');
      // It resumes the old account's listings (possibly disguised).
      const oldTitles = new Set(
        old.filter((e) => typeof e.title === 'string').map((e) => skeleton(e.title as string)),
      );
      expect(
        fresh.some(
          (e) => typeof e.title === 'string' && oldTitles.has(skeleton(e.title as string)),
        ),
      ).toBe(true);
    }
  });

  it("drifters' coded-term share rises before their first takedown, which lands at the truth's time", () => {
    const sellers = bySeller(clean.events);
    const terms = CODED_LEXICON.map((t) => t.term);
    const coded = (text: string): number => {
      const lower = text.toLowerCase();
      return terms.filter((t) => lower.includes(t)).length;
    };
    const start = ms(clean.truth.start);
    let rising = 0;
    let withTakedown = 0;
    const ids = sellersOf(clean.truth, 'drifter');
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const entry = clean.truth.sellers[id]!;
      const events = sellers.get(id) ?? [];
      const takedowns = events.filter((e) => e.type === 'listing.taken_down');
      if (entry.first_takedown_at === null) {
        expect(takedowns).toHaveLength(0);
        continue;
      }
      withTakedown++;
      expect(takedowns[0]!.occurred_at).toBe(entry.first_takedown_at);
      const end = ms(entry.first_takedown_at!);
      const window = (from: number, to: number) => {
        const texts = events.filter((e) => {
          const at = ms(e.occurred_at);
          return (
            at >= from &&
            at < to &&
            (typeof e.title === 'string' || typeof e.description === 'string')
          );
        });
        const total = texts.reduce(
          (s, e) => s + coded(`${e.title ?? ''} ${e.description ?? ''}`),
          0,
        );
        return texts.length === 0 ? Number.NaN : total / texts.length;
      };
      const quarter = (end - start) / 4;
      const early = window(start, start + quarter);
      const late = window(end - quarter, end);
      if (late > early || (Number.isNaN(early) && late > 0)) rising++;
    }
    expect(withTakedown).toBeGreaterThan(0);
    expect(rising).toBeGreaterThanOrEqual(Math.ceil(withTakedown * 0.8));
  });

  it('writes French and English, prices in EUR and GBP, hashed identifiers only', () => {
    const published = clean.events.filter((e) => e.type === 'listing.published');
    const titles = published.map((e) => e.title as string);
    expect(titles.some((t) => /Poupée|neuf|état/.test(t))).toBe(true);
    expect(titles.some((t) => /condition|new|size/.test(t))).toBe(true);
    const currencies = new Set(published.map((e) => (e.price as { currency: string }).currency));
    expect(currencies).toEqual(new Set(['EUR', 'GBP']));
    const countries = new Set<unknown>();
    for (const e of clean.events.filter((x) => x.type === 'seller.registered')) {
      countries.add(e.country);
      for (const v of Object.values(e.identifiers as Record<string, string>)) {
        expect(v).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    expect([...countries]).toEqual(expect.arrayContaining(['FR', 'BE', 'DE', 'ES', 'IT', 'GB']));
    for (const e of published) {
      for (const h of e.image_hashes as string[]) expect(h).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses bad options with a clear error', () => {
    expect(() => simulateMarketplace({ sellers: 0, days: 1, seed: 1 })).toThrow(VigieError);
    expect(() =>
      simulateMarketplace({ sellers: 10, days: 1, seed: 1, shares: { ordinary: 0.5 } }),
    ).toThrow(/sum to 1/);
    expect(() =>
      simulateMarketplace({ sellers: 10, days: 1, seed: 1, start: 'yesterday' }),
    ).toThrow(/RFC 3339/);
  });
});
