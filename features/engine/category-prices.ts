/**
 * Platform-wide price distribution per (currency, category): histograms of ln(1 + amount) in
 * 0.2-wide bins (≈22 % steps, up to ≈10^11). A histogram is a multiset, so it is the same
 * whatever order listings arrive in; it holds the listings the engine currently retains (added
 * when a listing record is created, removed when it is evicted), i.e. roughly the last
 * `listingRetentionDays` of the market.
 */
const BIN_WIDTH = 0.2;
const BINS = 128;

export interface CategoryPrices {
  /** Index of a (currency, category); past `maxCategories`, one shared slot per currency. */
  key(currency: string, category: string): number;
  add(index: number, logPrice: number, delta: 1 | -1): void;
  /** Median ln(1 + price) of a slot, NaN below `minListings`. */
  logMedian(index: number): number;
  readonly size: number;
}

export function createCategoryPrices(options: {
  maxCategories: number;
  minListings: number;
}): CategoryPrices {
  const index = new Map<string, number>();
  const histograms: Uint32Array[] = [];
  const counts: number[] = [];
  const medians: number[] = [];
  const slot = (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      i = histograms.length;
      index.set(name, i);
      histograms.push(new Uint32Array(BINS));
      counts.push(0);
      medians.push(Number.NaN);
    }
    return i;
  };
  return {
    key(currency, category) {
      const name = `${currency}\u0000${category}`;
      const known = index.get(name);
      if (known !== undefined) return known;
      return index.size < options.maxCategories ? slot(name) : slot(`${currency}\u0000*`);
    },
    add(i, logPrice, delta) {
      const h = histograms[i];
      if (h === undefined) return;
      const bin = Math.min(BINS - 1, Math.max(0, Math.floor(logPrice / BIN_WIDTH)));
      h[bin] = Math.max(0, (h[bin] as number) + delta);
      counts[i] = Math.max(0, (counts[i] as number) + delta);
      medians[i] = Number.NaN;
    },
    logMedian(i) {
      const n = counts[i] ?? 0;
      if (n < options.minListings) return Number.NaN;
      const cached = medians[i] as number;
      if (!Number.isNaN(cached)) return cached;
      const h = histograms[i] as Uint32Array;
      const half = n / 2;
      let seen = 0;
      let median = 0;
      for (let b = 0; b < BINS; b += 1) {
        const c = h[b] as number;
        if (seen + c >= half && c > 0) {
          // Linear interpolation inside the bin holding the middle listing.
          median = (b + (half - seen) / c) * BIN_WIDTH;
          break;
        }
        seen += c;
      }
      medians[i] = median;
      return median;
    },
    get size() {
      return index.size;
    },
  };
}
