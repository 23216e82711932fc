import { MASK_CHARS } from './listing-text.ts';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/**
 * Columns of the listing table, one row of `NUM` doubles per retained listing (a plain array of
 * doubles: unboxed in V8, no per-listing object).
 */
export const L_PUBLISHED = 0;
export const L_LOG_PRICE = 1;
export const L_CATEGORY = 2;
export const L_OBFUSCATION = 3;
export const L_FLAGS = 4;
export const NUM = 5;

export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h;
}

/** Listing flags. */
export const F_CODED = 1;
/** The text has no shingle: no sketch chars in the blob. */
export const F_NO_TEXT = 2;
/**
 * The blob still holds the content (dropped after `signatureDays`): after the drift mask, four
 * chars of shingle counts (text, title; two bytes each), the sketch unless F_NO_TEXT, then the
 * image hashes. Every char is < 256, so V8 stores the blob one byte per char.
 */
export const F_CONTENT = 4;
export const CONTENT_HEADER = 4;

/** Two one-byte chars of a count (saturating at 65,535). */
export function countChars(n: number): string {
  const v = countValue(n);
  return String.fromCharCode(v >> 8, v & 0xff);
}

/** The count `countChars` stores: 0..65,535. */
export function countValue(n: number): number {
  return Math.min(0xffff, Math.max(0, Math.floor(n)));
}

const countAt = (s: string, i: number): number => (s.charCodeAt(i) << 8) | s.charCodeAt(i + 1);

/** What is compared between a new listing and a taken-down one. */
export interface ListingContent {
  /** b-bit MinHash sketch ('' when the text has no shingle). */
  sketch: string;
  /** Image hashes in the binary form of image-match.ts ('' when none). */
  images: string;
  shingles: number;
  titleShingles: number;
}

export const NOTICE_TRUSTED = 0;
export const NOTICE_USER = 1;
export const NOTICE_AUTHORITY = 2;

export interface TakedownEntry {
  listingId: string;
  at: number;
  /** DSA category index (bits 0–3) | illegal ground (bit 4). */
  bits: number;
  /** The taken-down listing's content once known (from memory, a lookup, or its publication). */
  content: ListingContent | undefined;
}
export const T_ILLEGAL = 16;

export interface NoticeEntry {
  /** `notice_id`, or `td:<listing>:<time>` for a takedown that names no notice. */
  key: string;
  at: number;
  type: number;
  /** '' when the notice targets the seller. */
  listingId: string;
  /** From a `notice.received` event (else inferred from a takedown's source type). */
  fromNotice: boolean;
}

export interface EditEntry {
  listingId: string;
  /** `idHash(listingId)`: a scan for a listing's edits compares it first, not the id string. */
  idHash: number;
  at: number;
  /** 1 title, 2 description, 3 both, 0 no text field. */
  fields: number;
  /** Estimated text change vs the published version; NaN while unknown. */
  ratio: number;
  /** The edited text's sketch and size while `ratio` is unknown. */
  pending: { sketch: string; shingles: number } | undefined;
  obfuscation: number;
  coded: boolean;
}

export interface DeletionEntry {
  listingId: string;
  at: number;
}

/** A listing of this seller resembling a listing taken down before it was published. */
export interface MatchEntry {
  listingId: string;
  /** Publication time of `listingId`. */
  at: number;
  otherSellerId: string;
  otherListingId: string;
  /** The latest takedown of `otherListingId` before `at`. */
  takenDownAt: number;
  /** Estimated text similarity; NaN when either text has no shingle. */
  similarity: number;
  /** 2 an image hash reused exactly, 1 a near image, 0 none. */
  image: number;
}

export interface LinkEntry {
  sellerId: string;
  suspendedAt: number;
  terminatedAt: number;
}

/** Contributions of facts that left the bounded state (see docs/features.md, memory). */
export interface Folded {
  listings: number;
  obfuscated: number;
  takedowns: number;
  illegal: number;
  minors: number;
  categories: number;
  afterSanction: number;
  lastTakedownAt: number;
  notices: [number, number, number];
  editsAfterTakedown: number;
  lowChangeEdits: number;
  deletionsAfterNotice: number;
  relistsOwn: number;
  bestSimilarity: number;
  imageExact: number;
  imageNear: number;
  /** Drift histogram of folded listings: one char code per bucket (counts, saturating). */
  drift: string;
  driftListings: number;
}

export function emptyFolded(): Folded {
  return {
    listings: 0,
    obfuscated: 0,
    takedowns: 0,
    illegal: 0,
    minors: 0,
    categories: 0,
    afterSanction: 0,
    lastTakedownAt: -Infinity,
    notices: [0, 0, 0],
    editsAfterTakedown: 0,
    lowChangeEdits: 0,
    deletionsAfterNotice: 0,
    relistsOwn: 0,
    bestSimilarity: 0,
    imageExact: 0,
    imageNear: 0,
    drift: '',
    driftListings: 0,
  };
}

/**
 * Everything the engine knows about one seller: commutative facts only (min/max registers, sets
 * keyed by listing and time, counters of folded facts), kept sorted by event time so that every
 * feature derived from them is the same whatever order the events arrived in.
 */
export class SellerState {
  readonly id: string;
  watermark = -Infinity;
  firstSeen = Infinity;
  registeredAt = Infinity;
  /** First publication seen: the start of the seller's observed listing history. */
  firstListedAt = Infinity;
  /** Facts at or before this time have been folded: events that old change nothing. */
  frontier = -Infinity;
  warnedAt = Infinity;
  suspendedAt = Infinity;
  terminatedAt = Infinity;
  /** Earliest watermark at which the sweep has something to evict. */
  nextSweep = Infinity;

  /** Listing table: ids, `NUM` doubles per row, and a blob (drift mask [+ sketch + images]). */
  ids: string[] = [];
  num: number[] = [];
  /**
   * `idHash` of each id: lookups compare numbers, strings only on a hash hit. A column apart from
   * `num`, so that a scan (every publication scans the whole table) reads 8 bytes a listing.
   */
  hashes: number[] = [];
  blobs: string[] = [];
  /** Listings per UTC day, packed `day * 65536 + count`, ascending (last ~90 days). */
  days: number[] = [];

  takedowns: TakedownEntry[] | null = null;
  notices: NoticeEntry[] | null = null;
  edits: EditEntry[] | null = null;
  deletions: DeletionEntry[] | null = null;
  matches: MatchEntry[] | null = null;
  links: LinkEntry[] | null = null;
  folded: Folded | null = null;

  constructor(id: string) {
    this.id = id;
  }

  get sanctionedAt(): number {
    return Math.min(this.warnedAt, this.suspendedAt, this.terminatedAt);
  }

  fold(): Folded {
    if (this.folded === null) this.folded = emptyFolded();
    return this.folded;
  }

  findListing(listingId: string): number {
    const h = idHash(listingId);
    const hashes = this.hashes;
    for (let i = hashes.length - 1; i >= 0; i -= 1) {
      if (hashes[i] === h && this.ids[i] === listingId) return i;
    }
    return -1;
  }

  /** Inserts a listing row in (publishedAt, id) order; returns its index. */
  insertListing(listingId: string, hash: number, row: number[], blob: string): number {
    const at = row[L_PUBLISHED] as number;
    let i = this.ids.length;
    while (i > 0) {
      const prev = this.num[(i - 1) * NUM + L_PUBLISHED] as number;
      if (prev < at || (prev === at && (this.ids[i - 1] as string) < listingId)) break;
      i -= 1;
    }
    // Small tables get exactly-sized copies (a grown array keeps ~50 % spare capacity, per
    // seller); large ones grow in place, since copying them on every listing costs more.
    if (this.ids.length < 32) {
      this.ids = this.ids.toSpliced(i, 0, listingId);
      this.hashes = this.hashes.toSpliced(i, 0, hash);
      this.num = this.num.toSpliced(i * NUM, 0, ...row);
      this.blobs = this.blobs.toSpliced(i, 0, blob);
    } else if (i === this.ids.length) {
      // The usual case (listings come in time order): `splice` would also build a result array.
      this.ids.push(listingId);
      this.hashes.push(hash);
      this.num.push(...row);
      this.blobs.push(blob);
    } else {
      this.ids.splice(i, 0, listingId);
      this.hashes.splice(i, 0, hash);
      this.num.splice(i * NUM, 0, ...row);
      this.blobs.splice(i, 0, blob);
    }
    return i;
  }

  removeListings(from: number, count: number): void {
    this.ids = this.ids.toSpliced(from, count);
    this.hashes = this.hashes.toSpliced(from, count);
    this.num = this.num.toSpliced(from * NUM, count * NUM);
    this.blobs = this.blobs.toSpliced(from, count);
  }

  get(i: number, column: number): number {
    return this.num[i * NUM + column] as number;
  }

  set(i: number, column: number, value: number): void {
    this.num[i * NUM + column] = value;
  }

  /** The listing's comparable content while it is retained, else undefined. */
  content(i: number, numHashes: number): ListingContent | undefined {
    const flags = this.get(i, L_FLAGS);
    if ((flags & F_CONTENT) === 0) return undefined;
    const blob = this.blobs[i] as string;
    const start = MASK_CHARS + CONTENT_HEADER;
    const textEnd = flags & F_NO_TEXT ? start : start + numHashes;
    return {
      sketch: blob.slice(start, textEnd),
      images: blob.slice(textEnd),
      shingles: countAt(blob, MASK_CHARS),
      titleShingles: countAt(blob, MASK_CHARS + 2),
    };
  }

  countListingDay(at: number): void {
    const day = Math.floor(at / DAY);
    const days = this.days;
    let i = days.length;
    while (i > 0 && Math.floor((days[i - 1] as number) / 65536) > day) i -= 1;
    const prev = days[i - 1];
    if (prev !== undefined && Math.floor(prev / 65536) === day) {
      if (prev % 65536 < 65535) days[i - 1] = prev + 1;
    } else {
      this.days = days.toSpliced(i, 0, day * 65536 + 1);
    }
  }
}

/** Inserts into an array kept sorted by `at`, then `tie` (deterministic order for equal times). */
export function insertSorted<T extends { at: number }>(
  list: T[],
  item: T,
  tie: (a: T, b: T) => number,
): void {
  let i = list.length;
  while (i > 0) {
    const prev = list[i - 1] as T;
    if (prev.at < item.at || (prev.at === item.at && tie(prev, item) <= 0)) break;
    i -= 1;
  }
  list.splice(i, 0, item);
}

export const byListing = (a: { listingId: string }, b: { listingId: string }): number =>
  a.listingId < b.listingId ? -1 : a.listingId > b.listingId ? 1 : 0;
