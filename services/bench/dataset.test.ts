import { describe, expect, it } from 'vitest';
import { simulateMarketplace } from '../simulator/index.ts';
import { benchTextTtlDays } from './dataset.ts';

describe('benchTextTtlDays', () => {
  const simulation = simulateMarketplace({ sellers: 10, days: 30, seed: 1 });
  const start = Date.parse('2026-01-01T00:00:00Z');
  const day = 86_400_000;

  it('keeps the configured TTL while it covers the dataset', () => {
    expect(benchTextTtlDays({ simulation }, 180, start + 40 * day)).toBe(180);
  });

  it('lengthens it to the age of the oldest event, so no text is blanked on arrival', () => {
    expect(benchTextTtlDays({ simulation }, 180, start + 326.5 * day)).toBe(328);
  });

  it('stays within what the configuration accepts', () => {
    expect(benchTextTtlDays({ simulation }, 180, start + 5000 * day)).toBe(3650);
  });
});
