import { z } from 'zod';
import { DEFAULT_NUM_HASHES } from '../../features/text/index.ts';

/** A listing version row from `events` (type published/edited, `raw`) or `listing_texts`. */
export interface VersionRow {
  seller_id: string;
  listing_id: string;
  /** Event time, epoch ms as text. */
  at: string;
  type: string;
  raw: string;
  title: string;
  description: string;
  minhash: number[];
  image_hashes: string[];
}

/** One version of a listing's content: its text, or only its stored signature after the TTL. */
export interface ListingVersion {
  at: number;
  text: string;
  /** The stored MinHash when the text itself was blanked by the text TTL. */
  minhash?: Uint32Array;
  images: string[];
}

/** The listing fields of a published or edited event's JSON (the contract validated it). */
const ListingFieldsSchema = z.object({
  title: z.string().optional(),
  description: z.string().optional(),
  image_hashes: z.array(z.string()).optional(),
});

interface Fields {
  title: string;
  description: string;
  images: string[];
}

const textOf = (f: { title: string; description: string }): string =>
  `${f.title}\n${f.description}`;

/**
 * Folds each listing's rows into full versions in time order: an edit changes only the fields it
 * carries. A `listing_texts` row (a whole version) is used when the pipeline wrote one; its
 * stored signature stands in for text blanked by the TTL. Consecutive identical versions (a
 * price-only edit) count once.
 */
export function foldVersions(
  rows: readonly VersionRow[],
  keyOf: (sellerId: string, listingId: string) => string,
): Map<string, ListingVersion[]> {
  const byKey = new Map<string, VersionRow[]>();
  for (const r of rows) {
    const key = keyOf(r.seller_id, r.listing_id);
    const list = byKey.get(key) ?? [];
    list.push(r);
    byKey.set(key, list);
  }
  const out = new Map<string, ListingVersion[]>();
  for (const [key, list] of byKey) {
    list.sort((a, b) => Number(a.at) - Number(b.at));
    const versions = new Map<number, ListingVersion>();
    let state: Fields | undefined;
    for (const r of list) {
      const at = Number(r.at);
      if (r.type === 'listing_texts') {
        const text = r.title !== '' || r.description !== '' ? textOf(r) : '';
        if (text !== '') versions.set(at, { at, text, images: r.image_hashes });
        else if (!versions.has(at) && r.minhash.length === DEFAULT_NUM_HASHES) {
          versions.set(at, {
            at,
            text: '',
            minhash: Uint32Array.from(r.minhash),
            images: r.image_hashes,
          });
        }
        continue;
      }
      if (r.raw === '') continue; // blanked by the text TTL
      let fields: z.infer<typeof ListingFieldsSchema>;
      try {
        const parsed = ListingFieldsSchema.safeParse(JSON.parse(r.raw));
        if (!parsed.success) continue;
        fields = parsed.data;
      } catch {
        continue;
      }
      if (r.type === 'listing.published' || state === undefined) {
        state = {
          title: fields.title ?? '',
          description: fields.description ?? '',
          images: fields.image_hashes ?? [],
        };
      } else {
        state = {
          title: fields.title ?? state.title,
          description: fields.description ?? state.description,
          images: fields.image_hashes ?? state.images,
        };
      }
      if (!versions.has(at)) versions.set(at, { at, text: textOf(state), images: state.images });
    }
    const ordered = [...versions.values()].sort((a, b) => a.at - b.at);
    const distinct: ListingVersion[] = [];
    for (const v of ordered) {
      const prev = distinct[distinct.length - 1];
      if (
        prev !== undefined &&
        prev.minhash === undefined &&
        v.minhash === undefined &&
        prev.text === v.text &&
        prev.images.join(',') === v.images.join(',')
      ) {
        continue;
      }
      distinct.push(v);
    }
    out.set(key, distinct);
  }
  return out;
}
