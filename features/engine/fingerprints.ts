import { withCompact, type ListingFingerprint } from './cross-seller.ts';
import { decodeImages } from './image-match.ts';
import { signatureOf, type ListingTexter } from './listing-text.ts';
import type { ListingContent } from './seller-state.ts';

export type Fingerprinter = (
  sellerId: string,
  listingId: string,
  at: number,
  content: ListingContent,
) => ListingFingerprint;

/**
 * Fingerprints in the exchange form of cross-seller.ts. Band-key strings and hex image hashes are
 * only built if a store reads them; the engine's compact content rides along for in-process use.
 */
export function createFingerprinter(texter: ListingTexter): Fingerprinter {
  return (
    sellerId: string,
    listingId: string,
    at: number,
    c: ListingContent,
  ): ListingFingerprint => {
    let keys: string[] | undefined;
    let images: string[] | undefined;
    let signature: Uint32Array | undefined;
    const fp: ListingFingerprint = {
      sellerId,
      listingId,
      at,
      get signature() {
        return (signature ??= signatureOf(c.sketch));
      },
      get bandKeys() {
        return (keys ??= c.sketch === '' ? [] : texter.bandKeys(c.sketch));
      },
      get imageHashes() {
        return (images ??= decodeImages(c.images));
      },
      shingles: c.shingles,
      titleShingles: c.titleShingles,
    };
    return withCompact(fp, { sketch: c.sketch, images: c.images });
  };
}
