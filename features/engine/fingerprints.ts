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
 * A fingerprint whose signature, band keys and hex image hashes are built on first read. A class:
 * its getters live on the prototype, where an object literal with getters (one per published
 * listing and takedown) was created on V8's slow path, a few percent of the engine's time.
 */
class LazyFingerprint implements ListingFingerprint {
  readonly shingles: number;
  readonly titleShingles: number;
  private keys: string[] | undefined = undefined;
  private hexes: string[] | undefined = undefined;
  private sig: Uint32Array | undefined = undefined;

  constructor(
    readonly sellerId: string,
    readonly listingId: string,
    readonly at: number,
    private readonly content: ListingContent,
    private readonly texter: ListingTexter,
  ) {
    this.shingles = content.shingles;
    this.titleShingles = content.titleShingles;
  }

  get signature(): Uint32Array {
    return (this.sig ??= signatureOf(this.content.sketch));
  }

  get bandKeys(): string[] {
    const sketch = this.content.sketch;
    return (this.keys ??= sketch === '' ? [] : this.texter.bandKeys(sketch));
  }

  get imageHashes(): string[] {
    return (this.hexes ??= decodeImages(this.content.images));
  }
}

/**
 * Fingerprints in the exchange form of cross-seller.ts. Band-key strings and hex image hashes are
 * only built if a store reads them; the engine's compact content rides along for in-process use.
 */
export function createFingerprinter(texter: ListingTexter): Fingerprinter {
  return (sellerId, listingId, at, c) =>
    withCompact(new LazyFingerprint(sellerId, listingId, at, c, texter), {
      sketch: c.sketch,
      images: c.images,
    });
}
