import type { ListingEdited, MarketplaceEvent } from '../../streams/contract/index.ts';
import { VigieError } from '../../streams/errors.ts';
import {
  assertAnalyserSettings,
  createTextAnalyser,
  DEFAULT_MINHASH_SEED,
  DEFAULT_NUM_HASHES,
  type TextAnalyser,
} from '../../features/text/index.ts';
import {
  IDENTIFIER_KINDS,
  type IdentifierLinkRow,
  type ListingTextRow,
} from '../../features/store/index.ts';

/** MinHash settings of listing signatures: the feature engine's, so stored and live ones compare. */
export interface MinHashSettings {
  numHashes: number;
  seed: number;
  /**
   * The feature engine's text analyser (same settings), so that a listing text is normalised
   * and signed once for the engine and the rows (issue 6). Default: the builder's own.
   */
  analyser?: TextAnalyser;
}

export const DEFAULT_MINHASH_SETTINGS: MinHashSettings = {
  numHashes: DEFAULT_NUM_HASHES,
  seed: DEFAULT_MINHASH_SEED,
};

/** The fields of a listing version an edit does not carry come from the version before it. */
export type ListingBase = Omit<ListingTextRow, 'event_id'>;

/** The text columns a version derives from its title and description. */
type TextColumns = Pick<ListingTextRow, 'normalized_text' | 'minhash' | 'obfuscation_score'>;

/**
 * An earlier version as read from the store: its text columns only when its raw text is blanked
 * (past the text TTL, `isBlanked`); otherwise they are derived again from its title and
 * description, as they were when it was written (issue 6: not reading the 128-slot signatures
 * of every edited listing's versions saves a third of the lookup's chDB thread time).
 */
export type StoredListingBase = Omit<ListingBase, keyof TextColumns> & Partial<TextColumns>;

/** A stored version whose raw text the TTL blanked (or that never had any). */
export const isBlanked = (v: Pick<ListingBase, 'title' | 'description'>) =>
  v.title === '' && v.description === '';

export interface TableRowBuilder {
  /** One `identifier_links` row per identifier of a `seller.registered`; [] for other events. */
  identifierLinks(event: MarketplaceEvent): IdentifierLinkRow[];
  /**
   * The `listing_texts` rows of a batch's `listing.published` / `listing.edited` events, one per
   * event. A version is the whole listing as of that event: an edit's missing fields come from
   * the latest earlier version (in the batch, else `stored`, which the caller reads from the
   * store); an edit with no earlier version keeps only what it carries. An edit that changes
   * neither title nor description keeps the earlier version's text columns as they are (the
   * signature outlives the raw text's TTL, so it is not recomputed from blanked text): a stored
   * version read without them has them derived again from its text, the same analysis; a blanked
   * one must come with them (throws otherwise).
   */
  listingVersions(
    events: readonly MarketplaceEvent[],
    stored: readonly StoredListingBase[],
  ): ListingTextRow[];
}

export const listingKey = (sellerId: string, listingId: string) => `${sellerId}\u0000${listingId}`;

/** `listing.edited` events whose previous version the builder needs (to read it from the store). */
export function editedListings(
  events: readonly MarketplaceEvent[],
): Array<{ sellerId: string; listingId: string }> {
  const out = new Map<string, { sellerId: string; listingId: string }>();
  for (const e of events) {
    if (e.type === 'listing.edited') {
      out.set(listingKey(e.seller_id, e.listing_id), {
        sellerId: e.seller_id,
        listingId: e.listing_id,
      });
    }
  }
  return [...out.values()];
}

/**
 * A signature as a plain array, copied by index: `Array.from` on a typed array goes through its
 * iterator, one result object per slot (~6 KB of garbage per 128-slot signature, ~10 % of all the
 * pipeline allocated per listing event in an allocation profile of `vigie replay`).
 */
function toNumbers(signature: ArrayLike<number>): number[] {
  const out = new Array<number>(signature.length);
  for (let i = 0; i < signature.length; i += 1) out[i] = signature[i]!;
  return out;
}

/**
 * Rows of the store's derived tables, built from accepted events. Text is composed and
 * normalised as the feature engine does (title, newline, description; features/text
 * `normaliseText`) and signed with the engine's MinHash settings, full 32-bit slots.
 */
export function createTableRowBuilder(
  settings: MinHashSettings = DEFAULT_MINHASH_SETTINGS,
): TableRowBuilder {
  const analyser =
    settings.analyser ??
    createTextAnalyser({ numHashes: settings.numHashes, seed: settings.seed, byOwner: false });
  assertAnalyserSettings(analyser, settings);

  /** `owner`: the event, so the engine reuses the analysis of the same event and text. */
  function textColumns(title: string, description: string, owner?: MarketplaceEvent): TextColumns {
    const a = analyser.analyse(`${title}\n${description}`, owner);
    return {
      normalized_text: a.normalised,
      // No shingle, no signature: an all-empty one would "match" every other empty text.
      minhash: a.shingles === 0 ? [] : toNumbers(a.signature),
      obfuscation_score: a.obfuscation,
    };
  }

  /** The text columns an edit that changes no text keeps from the version before it. */
  function carriedText(prev: StoredListingBase): TextColumns {
    const { normalized_text, minhash, obfuscation_score } = prev;
    if (normalized_text !== undefined && minhash !== undefined && obfuscation_score !== undefined) {
      return { normalized_text, minhash, obfuscation_score };
    }
    if (isBlanked(prev)) {
      throw new VigieError(
        'INTERNAL',
        'a blanked earlier listing version came without its signature',
        {
          context: { listing_id: prev.listing_id, version_at: prev.version_at },
        },
      );
    }
    // Not owned by the edit: its analysis is of another text than the edit's.
    return textColumns(prev.title, prev.description);
  }

  return {
    identifierLinks(event) {
      if (event.type !== 'seller.registered') return [];
      const at = Date.parse(event.occurred_at);
      const rows: IdentifierLinkRow[] = [];
      for (const kind of IDENTIFIER_KINDS) {
        const hash = event.identifiers[kind];
        // Lower case, as the engine compares them: one identifier, whatever the hex case.
        if (hash !== undefined) {
          rows.push({
            identifier_kind: kind,
            identifier_hash: hash.toLowerCase(),
            seller_id: event.seller_id,
            first_seen: at,
          });
        }
      }
      return rows;
    },

    listingVersions(events, stored) {
      const versions = new Map<string, StoredListingBase[]>();
      const add = (v: StoredListingBase) => {
        const key = listingKey(v.seller_id, v.listing_id);
        const list = versions.get(key);
        if (list) list.push(v);
        else versions.set(key, [v]);
      };
      for (const v of stored) add(v);
      const previous = (e: ListingEdited, at: number): StoredListingBase | undefined => {
        let best: StoredListingBase | undefined;
        for (const v of versions.get(listingKey(e.seller_id, e.listing_id)) ?? []) {
          if (v.version_at < at && (best === undefined || v.version_at > best.version_at)) best = v;
        }
        return best;
      };

      const listingEvents = events
        .filter((e) => e.type === 'listing.published' || e.type === 'listing.edited')
        .map((e) => ({ e, at: Date.parse(e.occurred_at) }))
        // Event-time order, so an edit builds on the versions before it in the same batch.
        .sort((a, b) => a.at - b.at || (a.e.event_id < b.e.event_id ? -1 : 1));

      const rows: ListingTextRow[] = [];
      for (const { e, at } of listingEvents) {
        let version: ListingBase;
        if (e.type === 'listing.published') {
          version = {
            listing_id: e.listing_id,
            seller_id: e.seller_id,
            version_at: at,
            category: e.category,
            title: e.title,
            description: e.description,
            image_hashes: e.image_hashes ?? [],
            ...textColumns(e.title, e.description, e),
          };
        } else if (e.type === 'listing.edited') {
          const prev = previous(e, at);
          const title = e.title ?? prev?.title ?? '';
          const description = e.description ?? prev?.description ?? '';
          const sameText = e.title === undefined && e.description === undefined && prev;
          version = {
            listing_id: e.listing_id,
            seller_id: e.seller_id,
            version_at: at,
            category: e.category ?? prev?.category ?? '',
            title,
            description,
            image_hashes: e.image_hashes ?? prev?.image_hashes ?? [],
            ...(sameText ? carriedText(sameText) : textColumns(title, description, e)),
          };
        } else continue;
        add(version);
        rows.push({ ...version, event_id: e.event_id });
      }
      return rows;
    },
  };
}
