import { afterAll, describe, expect, it } from 'vitest';
import {
  createStore,
  FEATURE_COLUMNS,
  type SellerFeaturesRow,
} from '../../features/store/index.ts';
import {
  createClickHouseDetectorStore,
  recordFromSnapshot,
} from '../../services/detector/index.ts';
import { chdbBackend, featureRow } from '../helpers/clickhouse.ts';

const backend = chdbBackend();
afterAll(() => backend.cleanup());

const T0 = Date.parse('2026-03-01T10:00:00.123Z');

/** Seeded values with fractions, so a float that did not survive the round trip would show. */
function rows(): SellerFeaturesRow[] {
  let s = 7;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: 50 }, (_, i) => {
    const values = Object.fromEntries(
      FEATURE_COLUMNS.map((f, j) => [f, j % 3 === 0 ? Math.floor(rand() * 40) : rand() * 3]),
    );
    const evidence = JSON.stringify({
      listing_ids: [`l-${i}`],
      linked_seller_ids: i % 2 ? [`s-${i + 1}`] : [],
      by_feature: { takedowns_90d: { listing_ids: [`l-${i}`] } },
    });
    return featureRow(`seller-${i}`, T0 + i * 1_001, T0 + 99, values, evidence);
  });
}

describe('the detector fed with the snapshots the pipeline has just written', () => {
  it('sees exactly the records it would read back from seller_features_latest (chDB)', async () => {
    const executor = await backend.executor('snapshot_records');
    const store = createStore({ executor });
    await store.migrate();
    const written = rows();
    await store.sellerFeatures.append(written);
    await store.sellerFeatures.flush();
    const readBack = await createClickHouseDetectorStore(store).latestFeatures(
      written.map((r) => r.seller_id),
    );
    const inMemory = written.map((row, i) => recordFromSnapshot(row, i));
    const bySeller = <T extends { sellerId: string }>(list: T[]) =>
      [...list].sort((a, b) => (a.sellerId < b.sellerId ? -1 : 1));
    expect(readBack).toHaveLength(written.length);
    expect(bySeller(inMemory)).toEqual(bySeller(readBack));
  });
});
