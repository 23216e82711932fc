import { describe, expect, it } from 'vitest';
import { foldVersions, type VersionRow } from './listing-versions.ts';

const keyOf = (s: string, l: string) => `${s}/${l}`;
const row = (at: number, type: string, fields: object, extra: Partial<VersionRow> = {}) => ({
  seller_id: 's',
  listing_id: 'l',
  at: String(at),
  type,
  raw: type.startsWith('listing.') ? JSON.stringify(fields) : '',
  title: '',
  description: '',
  minhash: [],
  image_hashes: [],
  ...extra,
});

describe('foldVersions', () => {
  it('applies edits field by field, in time order, and drops unchanged versions', () => {
    const out = foldVersions(
      [
        row(3, 'listing.edited', { price: { amount: 2, currency: 'EUR' } }),
        row(2, 'listing.edited', { title: 'T2' }),
        row(1, 'listing.published', { title: 'T1', description: 'D1', image_hashes: ['ab'] }),
      ],
      keyOf,
    );
    expect(out.get('s/l')).toEqual([
      { at: 1, text: 'T1\nD1', images: ['ab'] },
      { at: 2, text: 'T2\nD1', images: ['ab'] },
    ]);
  });

  it('prefers listing_texts, uses its signature once the text is blanked, skips blank raw', () => {
    const sig = Array.from({ length: 128 }, (_, i) => i);
    const out = foldVersions(
      [
        row(1, 'listing.published', {}, { raw: '' }),
        row(1, 'listing_texts', {}, { minhash: sig }),
        row(2, 'listing.edited', { title: 'x' }),
        row(2, 'listing_texts', {}, { title: 'Full', description: 'Text' }),
      ],
      keyOf,
    );
    const versions = out.get('s/l')!;
    expect(versions[0]!.minhash).toEqual(Uint32Array.from(sig));
    expect(versions[1]!.text).toBe('Full\nText');
  });
});
