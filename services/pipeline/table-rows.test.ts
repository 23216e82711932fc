import { describe, expect, it } from 'vitest';
import { createFeatureEngine } from '../../features/engine/index.ts';
import {
  createMinHasher,
  createTextAnalyser,
  normaliseText,
  shingles,
} from '../../features/text/index.ts';
import type { MarketplaceEvent } from '../../streams/contract/index.ts';
import { createTableRowBuilder, editedListings } from './table-rows.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 8, minute)).toISOString();
const published = (id: string, minute: number, title: string): MarketplaceEvent => ({
  event_id: id,
  seller_id: 's-1',
  occurred_at: at(minute),
  type: 'listing.published',
  listing_id: 'L1',
  title,
  description: 'Cadre acier',
  category: 'sport/velo',
  price: { amount: 100, currency: 'EUR' },
});
const edited = (id: string, minute: number, fields: object): MarketplaceEvent =>
  ({
    event_id: id,
    seller_id: 's-1',
    occurred_at: at(minute),
    type: 'listing.edited',
    listing_id: 'L1',
    ...fields,
  }) as MarketplaceEvent;

describe('createTableRowBuilder', () => {
  const rows = createTableRowBuilder();

  it('builds each edit on the version before it in event time, whatever the batch order', () => {
    const batch = [
      edited('e3', 3, { category: 'sport/route' }),
      edited('e2', 2, { title: 'Vélo de course' }),
      published('e1', 1, 'Vélo de ville'),
    ];
    const out = rows.listingVersions(batch, []);
    expect(out.map((r) => [r.event_id, r.title, r.description, r.category])).toEqual([
      ['e1', 'Vélo de ville', 'Cadre acier', 'sport/velo'],
      ['e2', 'Vélo de course', 'Cadre acier', 'sport/velo'],
      ['e3', 'Vélo de course', 'Cadre acier', 'sport/route'],
    ]);
    // A category-only edit keeps the text columns of the version before it.
    expect(out[2]!.minhash).toEqual(out[1]!.minhash);
    expect(out[1]!.minhash).not.toEqual(out[0]!.minhash);
    expect(editedListings(batch)).toEqual([{ sellerId: 's-1', listingId: 'L1' }]);
  });

  it('builds on a stored version, and keeps only what an edit carries when there is none', () => {
    const [base] = rows.listingVersions([published('p', 1, 'Vélo de ville')], []);
    const [onStored] = rows.listingVersions([edited('e', 5, { title: 'Vélo' })], [base!]);
    expect(onStored).toMatchObject({
      title: 'Vélo',
      description: 'Cadre acier',
      category: 'sport/velo',
    });
    const [orphan] = rows.listingVersions([edited('o', 5, { title: 'Vélo' })], []);
    expect(orphan).toMatchObject({
      title: 'Vélo',
      description: '',
      category: '',
      image_hashes: [],
    });
  });

  it('derives the text columns of a stored version read without them, unless it is blanked', () => {
    const [base] = rows.listingVersions([published('p', 1, 'P0up33 r3aliste')], []);
    const { normalized_text, minhash, obfuscation_score, ...bare } = base!;
    const priceOnly = edited('e', 5, { price: { amount: 80, currency: 'EUR' } });
    const [onBare] = rows.listingVersions([priceOnly], [bare]);
    // The same analysis of the same text: the columns the version was stored with.
    expect(onBare).toMatchObject({ normalized_text, minhash, obfuscation_score });
    expect(obfuscation_score).toBeGreaterThan(0);

    // Past the text TTL the text is gone: the stored columns are kept as they are…
    const blanked = { ...bare, title: '', description: '' };
    const kept = { normalized_text: '', minhash: [7, 8, 9], obfuscation_score: 0.5 };
    const [onBlanked] = rows.listingVersions([priceOnly], [{ ...blanked, ...kept }]);
    expect(onBlanked).toMatchObject({ title: '', description: '', ...kept });
    // …and must come with the version: no signature is made up from no text.
    expect(() => rows.listingVersions([priceOnly], [blanked])).toThrow(/without its signature/);
    // An edit of the text needs none of the earlier version's text columns.
    const [retitled] = rows.listingVersions([edited('t', 6, { title: 'Vélo' })], [blanked]);
    expect(retitled).toMatchObject({ title: 'Vélo', description: '' });
  });

  it('scores title + newline + description as the engine does; no shingle, no signature', () => {
    const title = 'V3l0 d3 v1ll3';
    const [row] = rows.listingVersions([published('p', 1, title)], []);
    const norm = normaliseText(`${title}\nCadre acier`);
    expect(row!.obfuscation_score).toBe(norm.obfuscation);
    expect(row!.obfuscation_score).toBeGreaterThan(0);
    expect(row!.normalized_text).toBe(norm.normalised);
    const [empty] = rows.listingVersions(
      [{ ...published('q', 1, ''), description: '' } as MarketplaceEvent],
      [],
    );
    expect(empty!.minhash).toEqual([]);
  });

  it('shares one analysis per event and text with the engine, and stores the same columns', () => {
    const analyser = createTextAnalyser();
    const shared = createTableRowBuilder({ numHashes: 128, seed: analyser.seed, analyser });
    const batch = [
      published('p', 1, 'P0up33 r3aliste'),
      edited('e', 2, { title: 'Vélo', description: 'Cadre carbone' }),
    ];
    const out = shared.listingVersions(batch, []);
    expect(out).toEqual(rows.listingVersions(batch, []));
    const text = `P0up33 r3aliste\nCadre acier`;
    const items = shingles(normaliseText(text).tokens);
    expect(out[0]!.minhash).toEqual(Array.from(createMinHasher().signature(items)));
    // The engine, given the same analyser, gets the analysis the rows made for that event.
    const first = analyser.analyse(text, batch[0]!);
    expect(analyser.analyse(`P0up33 r3aliste\nCadre acier`, batch[0]!)).toBe(first);
    expect(Array.from(first.signature)).toEqual(out[0]!.minhash);
    const engine = createFeatureEngine({ textAnalyser: analyser });
    engine.apply(batch.map((event) => ({ event, receivedAt: 0 })));
    expect(engine.features('s-1').values).toEqual(
      (() => {
        const own = createFeatureEngine();
        own.apply(batch.map((event) => ({ event, receivedAt: 0 })));
        return own.features('s-1').values;
      })(),
    );
    expect(() => createTableRowBuilder({ numHashes: 64, seed: analyser.seed, analyser })).toThrow(
      /text analyser signs with 128 hashes/,
    );
  });

  it('writes one identifier link per identifier present, lower-cased', () => {
    const links = rows.identifierLinks({
      event_id: 'r',
      seller_id: 's-1',
      occurred_at: at(0),
      type: 'seller.registered',
      identifiers: { payout_hash: 'ABCD', email_hash: '0123' },
    });
    expect(links).toEqual([
      {
        identifier_kind: 'email_hash',
        identifier_hash: '0123',
        seller_id: 's-1',
        first_seen: Date.parse(at(0)),
      },
      {
        identifier_kind: 'payout_hash',
        identifier_hash: 'abcd',
        seller_id: 's-1',
        first_seen: Date.parse(at(0)),
      },
    ]);
    expect(rows.identifierLinks(published('p', 1, 'x'))).toEqual([]);
  });
});
